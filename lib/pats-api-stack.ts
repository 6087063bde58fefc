import { CfnOutput, CfnRule, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { ENV_NAMES } from '../lambda/config';
import type { AppSettings } from './app-context';
import { AlarmTopic } from './constructs/alarms';
import { ApiAlarms } from './constructs/api-alarms';
import { PatAuthorizer } from './constructs/pat-authorizer';
import { PatsDashboard } from './constructs/pats-dashboard';
import { PatsHttpApi } from './constructs/pats-http-api';
import { PatsTable } from './constructs/pats-table';
import { RouteFunction } from './constructs/route-function';
import { AUTHORIZER, ROUTES, type RouteName, routeScopes } from './routes';

export interface PatsApiStackProps extends StackProps {
  readonly settings: AppSettings;
}

/** Composes the table, one function per route, the HTTP API, alarms and dashboard; each concern lives in its own construct. */
export class PatsApiStack extends Stack {
  /** Every route's function, by route name. */
  readonly functions: Readonly<Record<RouteName, IFunction>>;
  /** The credential authorizer of the routes outside /api/v1/pats. */
  readonly patAuthorizer: PatAuthorizer;

  constructor(scope: Construct, id: string, props: PatsApiStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const { stage } = settings;

    if (settings.localInvoke) {
      // A template for `sam local invoke` points the functions at host.docker.internal. SAM ignores
      // rules; CloudFormation evaluates them before any change, and this one can never hold, so
      // the template cannot be deployed by mistake. (The functions would also refuse to start.)
      new CfnRule(this, 'SamLocalInvokeOnly', {
        assertions: [
          {
            assert: Fn.conditionEquals('synthesized-for-sam-local-invoke', 'deployable'),
            assertDescription:
              'This template was synthesized with -c localInvoke=true, for sam local invoke only. Synthesize without localInvoke to deploy.',
          },
        ],
      });
    }

    const { table } = new PatsTable(this, 'Pats', {
      removalPolicy: stage.removalPolicy,
      deletionProtection: stage.deletionProtection,
    });
    const { topic } = new AlarmTopic(this, 'AlarmTopic', { alarmEmail: stage.alarmEmail });

    const environment = functionEnvironment(settings);
    const reservedShare = (share: number) =>
      stage.reservedConcurrency !== undefined
        ? { reservedConcurrency: Math.max(1, Math.round((stage.reservedConcurrency * share) / 100)) }
        : {};
    const routeFunctions = ROUTES.map((route) => {
      const routeFunction = new RouteFunction(this, `${capitalize(route.name)}`, {
        entry: route.entry,
        description: route.summary,
        table,
        tableGrants: route.table,
        // A credential route reads only what the authorizer hands it: no table, no issuer.
        environment: route.authorizer === 'jwt' ? environment : {},
        memorySize: stage.memorySize,
        logRetention: stage.logRetention,
        logRemovalPolicy: stage.removalPolicy,
        alarmThresholds: stage.alarms,
        ...(topic !== undefined ? { alarmTopic: topic } : {}),
        ...reservedShare(route.concurrencyShare),
      });
      return { route, routeFunction };
    });
    const functions: Partial<Record<RouteName, IFunction>> = {};
    for (const { route, routeFunction } of routeFunctions) functions[route.name] = routeFunction.function;
    this.functions = functions as Record<RouteName, IFunction>;

    this.patAuthorizer = new PatAuthorizer(this, 'Authorizer', {
      table,
      jwtIssuer: settings.jwtIssuer,
      jwtAudiences: settings.jwtAudiences,
      ...(settings.jwksUri !== undefined ? { jwksUri: settings.jwksUri } : {}),
      workspaceClaim: settings.workspaceClaim,
      routeScopes: routeScopes(ROUTES),
      resultsCacheTtl: Duration.seconds(settings.authorizerCacheSeconds),
      environment: localInvokeEnvironment(settings),
      memorySize: stage.memorySize,
      logRetention: stage.logRetention,
      logRemovalPolicy: stage.removalPolicy,
      alarmThresholds: stage.alarms,
      ...(topic !== undefined ? { alarmTopic: topic } : {}),
      ...reservedShare(AUTHORIZER.concurrencyShare),
    });

    const http = new PatsHttpApi(this, 'Http', {
      routes: ROUTES,
      functions: this.functions,
      credentialAuthorizer: this.patAuthorizer.authorizer,
      jwtIssuer: settings.jwtIssuer,
      jwtAudiences: settings.jwtAudiences,
      throttle: stage.throttle,
      corsAllowedOrigins: settings.corsAllowedOrigins,
      accessLogRetention: stage.logRetention,
      accessLogRemovalPolicy: stage.removalPolicy,
    });

    const apiAlarms = new ApiAlarms(this, 'Alarms', {
      api: http.api,
      table,
      thresholds: stage.alarms,
      ...(topic !== undefined ? { topic } : {}),
    });

    const { dashboard } = new PatsDashboard(this, 'Dashboard', {
      functions: { ...this.functions, authorizer: this.patAuthorizer.function },
      api: http.api,
      table,
      alarms: [
        ...routeFunctions.flatMap(({ routeFunction }) => routeFunction.alarms),
        ...this.patAuthorizer.routeFunction.alarms,
        ...apiAlarms.alarms,
      ],
      dashboardName: `${this.stackName}`,
    });

    new CfnOutput(this, 'ApiUrl', { value: http.url, description: 'Base URL of the PATs API' });
    new CfnOutput(this, 'TableName', {
      value: table.tableName,
      description: 'DynamoDB table holding the PATs',
    });
    for (const { route, routeFunction } of routeFunctions) {
      new CfnOutput(this, `${capitalize(route.name)}FunctionName`, {
        value: routeFunction.function.functionName,
        description: `${route.method} ${route.path} function (for logs and sam local invoke)`,
      });
    }
    new CfnOutput(this, 'AuthorizerFunctionName', {
      value: this.patAuthorizer.function.functionName,
      description: 'Credential authorizer function (for logs and sam local invoke)',
    });
    new CfnOutput(this, 'DashboardName', {
      value: dashboard.dashboardName,
      description: 'CloudWatch dashboard',
    });
  }
}

/**
 * What every function reads (`lambda/config.ts`), from the context. With `localInvoke` the
 * template also declares DYNAMODB_ENDPOINT and JWKS_URI (pointing at host.docker.internal), so that
 * `sam local invoke --env-vars` can override them: SAM only overrides variables a template declares.
 */
function functionEnvironment(settings: AppSettings): Record<string, string> {
  const { patPolicy } = settings;
  return {
    JWT_ISSUER: settings.jwtIssuer,
    JWT_AUDIENCE: settings.jwtAudiences.join(','),
    WORKSPACE_CLAIM: settings.workspaceClaim,
    [ENV_NAMES.patPolicy.scopes]: patPolicy.scopes.join(','),
    [ENV_NAMES.patPolicy.defaultLifetimeDays]: String(patPolicy.defaultLifetimeDays),
    [ENV_NAMES.patPolicy.maxLifetimeDays]: String(patPolicy.maxLifetimeDays),
    [ENV_NAMES.patPolicy.maxPerWorkspace]: String(patPolicy.maxPerWorkspace),
    ...(settings.jwksUri !== undefined ? { JWKS_URI: settings.jwksUri } : {}),
    ...localInvokeEnvironment(settings),
  };
}

/** With `localInvoke`, the variables `sam local invoke --env-vars` overrides (see `functionEnvironment`). */
function localInvokeEnvironment(settings: AppSettings): Record<string, string> {
  return settings.localInvoke
    ? {
        DYNAMODB_ENDPOINT: 'http://host.docker.internal:8000',
        JWKS_URI: settings.jwksUri ?? 'http://host.docker.internal:8001/.well-known/jwks.json',
      }
    : {};
}

const capitalize = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
