import { Duration } from 'aws-cdk-lib';
import type { IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { parseKeySourceUrl } from '../../lambda/adapters/url-policy';
import { AUTHORIZER_FUNCTION } from '../../lambda/authorizer/definition';
import { AUTHORIZER, GATEWAY, JWT, PAT_POLICY, ROUTE_KEY, SCOPE_PATTERN } from '../../lambda/config/schema';
import { environmentOf } from '../../lambda/config/setting';
import { entryOf } from '../../lambda/routes/route';
import { RouteFunction, type RouteFunctionProps } from './route-function';

/** See `PatAuthorizerProps.timeout`. */
export const AUTHORIZER_TIMEOUT_SECONDS = 8;

export interface PatAuthorizerProps
  extends Omit<
    RouteFunctionProps,
    'entry' | 'description' | 'table' | 'tableGrants' | 'environment' | 'timeout'
  > {
  /** The PAT table (`PatsTable`, or an imported one of the same shape). */
  readonly table: ITable;
  /** The issuer of the user JWTs it accepts besides PATs: an https URL with OIDC discovery. */
  readonly jwtIssuer: string;
  /** The audiences a user JWT may carry (one must match). */
  readonly jwtAudiences: readonly string[];
  /**
   * Where the issuer's keys are, when not in its discovery document.
   * @default - the discovery document's `jwks_uri`
   */
  readonly jwksUri?: string;
  /**
   * The JWT claim listing the workspaces a user may act in (handed to routes as `workspaces`).
   * @default 'workspaces'
   */
  readonly workspaceClaim?: string;
  /**
   * The PAT scopes each route needs, by route key exactly as API Gateway writes it
   * (`GET /api/v1/reports`, or `$default`); a PAT lacking one is refused with 403, and so is a PAT
   * on a route not listed (`[]` takes any valid PAT). JWTs are not limited by PAT scopes.
   * @default {} - no route takes a PAT
   */
  readonly routeScopes?: Readonly<Record<string, readonly string[]>>;
  /**
   * The scopes PATs may use (the stack's `patScopes`): a scope not listed is retired, and no
   * route may need it.
   * @default ['read', 'write']
   */
  readonly patScopes?: readonly string[];
  /**
   * How long API Gateway keeps an answer, keyed by the Authorization header and the route key. It
   * is also how long a revoked PAT keeps working on these routes (never on `/api/v1/pats`), and
   * what divides the authorizer's invocations and DynamoDB reads (docs/cost.md).
   * `Duration.seconds(0)` turns the cache off: revocation then takes effect at once.
   * @default Duration.seconds(60)
   */
  readonly resultsCacheTtl?: Duration;
  /**
   * `lastUsedAt` is written at most once per PAT per this interval, across every instance.
   * @default Duration.seconds(60)
   */
  readonly lastUsedInterval?: Duration;
  /**
   * API Gateway waits 10 s for a Lambda authorizer's answer, then answers 500: the function stops
   * before that, which is also long enough for a key fetch and DynamoDB's attempts.
   * @default Duration.seconds(8)
   */
  readonly timeout?: Duration;
  /**
   * More variables for the function (a DynamoDB endpoint for `sam local invoke`, a log level).
   * @default {}
   */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * The credential authorizer: an HTTP API Lambda (REQUEST) authorizer, payload 2.0 with simple
 * responses, that accepts `Bearer pat_...` and `Bearer <user JWT>` on the routes it is attached
 * to. Its identity sources are the Authorization header and the route key, so a cached answer for
 * one route never serves another, and a request without Authorization is refused (401) without
 * invoking it. Its function may `GetItem` PATs and `UpdateItem` nothing but `lastUsedAt`.
 *
 * ```ts
 * const pats = new PatAuthorizer(this, 'PatAuthorizer', { table, jwtIssuer, jwtAudiences: ['pats-api'],
 *   routeScopes: { 'GET /api/v1/reports': ['read'] } });
 * api.addRoutes({ path: '/api/v1/reports', methods: [HttpMethod.GET], integration,
 *   authorizer: pats.authorizer });
 * ```
 * API Gateway binds an authorizer to one HTTP API: use one `PatAuthorizer` per API.
 */
export class PatAuthorizer extends Construct {
  /** Attach it to routes (`addRoutes({ ..., authorizer })`). */
  readonly authorizer: IHttpRouteAuthorizer;
  readonly function: NodejsFunction;
  readonly routeFunction: RouteFunction;

  constructor(scope: Construct, id: string, props: PatAuthorizerProps) {
    super(scope, id);
    const cacheTtl =
      props.resultsCacheTtl ?? Duration.seconds(GATEWAY.settings.authorizerCacheSeconds.default);
    const interval =
      props.lastUsedInterval ?? Duration.seconds(AUTHORIZER.settings.lastUsedIntervalSeconds.default);
    const environment = environmentOf(AUTHORIZER_FUNCTION.settings, {
      table: { name: props.table.tableName },
      jwt: {
        issuer: props.jwtIssuer,
        audiences: props.jwtAudiences,
        jwksUri: props.jwksUri,
        workspaceClaim: props.workspaceClaim ?? JWT.settings.workspaceClaim.default,
      },
      patPolicy: { scopes: props.patScopes ?? PAT_POLICY.settings.scopes.default },
      authorizer: { routeScopes: props.routeScopes ?? {}, lastUsedIntervalSeconds: interval.toSeconds() },
    });
    const problems = propsProblems(props, cacheTtl, interval, Object.keys(environment));
    // Refused at synth, not at the first cold start: a typo must never let a PAT through.
    if (problems.length > 0) throw new Error(`PatAuthorizer ${id}:\n  - ${problems.join('\n  - ')}`);

    this.routeFunction = new RouteFunction(this, 'Handler', {
      entry: entryOf(AUTHORIZER_FUNCTION),
      description: AUTHORIZER_FUNCTION.summary,
      table: props.table,
      tableGrants: AUTHORIZER_FUNCTION.table,
      environment: { ...props.environment, ...environment },
      memorySize: props.memorySize,
      timeout: props.timeout ?? Duration.seconds(AUTHORIZER_TIMEOUT_SECONDS),
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      reservedConcurrency: props.reservedConcurrency,
      alarmThresholds: props.alarmThresholds,
      alarmTopic: props.alarmTopic,
    });
    this.function = this.routeFunction.function;

    this.authorizer = new HttpLambdaAuthorizer('PatAuthorizer', this.function, {
      authorizerName: 'pat-or-jwt',
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization', '$context.routeKey'],
      resultsCacheTtl: cacheTtl,
    });
  }
}

/** What is wrong with the props, each problem naming the prop and the value. */
function propsProblems(
  props: PatAuthorizerProps,
  cacheTtl: Duration,
  interval: Duration,
  constructVariables: readonly string[],
): string[] {
  const problems: string[] = [];
  const deployed = { runtime: 'lambda' } as const;
  if (parseKeySourceUrl(props.jwtIssuer, deployed) === undefined)
    problems.push(`jwtIssuer must be an https:// URL (got "${props.jwtIssuer}")`);
  if (props.jwksUri !== undefined && parseKeySourceUrl(props.jwksUri, deployed) === undefined)
    problems.push(`jwksUri must be an https:// URL (got "${props.jwksUri}")`);
  if (props.jwtAudiences.length === 0 || props.jwtAudiences.some((audience) => audience.trim() === ''))
    problems.push('jwtAudiences must name at least one audience, none of them empty');
  const patScopes = props.patScopes ?? PAT_POLICY.settings.scopes.default ?? [];
  for (const scope of patScopes.filter((candidate) => !SCOPE_PATTERN.test(candidate)))
    problems.push(`patScopes holds "${scope}", which is not a scope such as read or deploy:prod`);
  for (const [key, scopes] of Object.entries(props.routeScopes ?? {})) {
    if (!ROUTE_KEY.test(key))
      problems.push(
        `routeScopes key "${key}" is not a route key such as "GET /api/v1/reports" or "$default"`,
      );
    for (const scope of scopes.filter((candidate) => !patScopes.includes(candidate)))
      problems.push(
        `routeScopes["${key}"] needs "${scope}", which is not one of patScopes (${patScopes.join(', ')})`,
      );
  }
  const cacheSeconds = cacheTtl.toSeconds();
  const cacheLimit = GATEWAY.settings.authorizerCacheSeconds;
  if (!Number.isInteger(cacheSeconds) || cacheSeconds < cacheLimit.min || cacheSeconds > cacheLimit.max)
    problems.push(
      `resultsCacheTtl must be whole seconds from ${cacheLimit.min} to ${cacheLimit.max} (got ${cacheSeconds})`,
    );
  const intervalSeconds = interval.toSeconds();
  const intervalLimit = AUTHORIZER.settings.lastUsedIntervalSeconds;
  if (
    !Number.isInteger(intervalSeconds) ||
    intervalSeconds < intervalLimit.min ||
    intervalSeconds > intervalLimit.max
  )
    problems.push(
      `lastUsedInterval must be whole seconds from ${intervalLimit.min} to ${intervalLimit.max} (got ${intervalSeconds})`,
    );
  const reserved = new Set(constructVariables);
  for (const name of Object.keys(props.environment ?? {}).filter((candidate) => reserved.has(candidate)))
    problems.push(`environment sets ${name}, which the construct sets from its props`);
  return problems;
}
