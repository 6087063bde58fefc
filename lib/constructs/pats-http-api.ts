import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { corsHeaders, corsMethods, type RouteDefinition } from '../routes';

export interface PatsHttpApiProps {
  /** The routes to serve (from `lib/routes.ts`), each behind the authorizer it names. */
  readonly routes: readonly RouteDefinition[];
  /** The function serving each route, by route name. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /**
   * The authorizer of the routes that accept a PAT or a JWT (`authorizer: 'credential'`).
   * @default - none: such a route is an error
   */
  readonly credentialAuthorizer?: IHttpRouteAuthorizer;
  /** Issuer the JWT authorizer trusts (an https URL with OIDC discovery). */
  readonly jwtIssuer: string;
  /** Audiences the JWT authorizer accepts. */
  readonly jwtAudiences: readonly string[];
  /**
   * Stage-wide throttling.
   * @default { rateLimit: 50, burstLimit: 100 }
   */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /**
   * Browser origins allowed by CORS. When empty, no CORS configuration exists at all.
   * @default []
   */
  readonly corsAllowedOrigins?: readonly string[];
  /**
   * @default RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: RetentionDays;
  /**
   * @default RemovalPolicy.RETAIN
   */
  readonly accessLogRemovalPolicy?: RemovalPolicy;
}

/**
 * The HTTP API: only the routes given, each behind its authorizer and proxied to its own function
 * with payload 2.0; a `$default` stage with throttling and JSON access logs. CORS preflight, when
 * enabled, is answered by API Gateway itself, before and without the authorizer, for the methods
 * and headers the routes use.
 */
export class PatsHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogGroup: LogGroup;

  constructor(scope: Construct, id: string, props: PatsHttpApiProps) {
    super(scope, id);
    const origins = props.corsAllowedOrigins ?? [];

    this.api = new HttpApi(this, 'Api', {
      description: 'PATs API: personal access tokens, managed with user JWTs',
      createDefaultStage: false,
      ...(origins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: [...origins],
              allowMethods: corsMethods(props.routes).map((method) => CorsHttpMethod[method]),
              allowHeaders: corsHeaders(props.routes),
              exposeHeaders: ['x-request-id', 'www-authenticate', 'retry-after', 'location'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.accessLogRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    const throttle = props.throttle ?? { rateLimit: 50, burstLimit: 100 };
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        // Request metadata only: no header is logged, so neither is the Authorization header.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            httpMethod: '$context.httpMethod',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            userAgent: '$context.identity.userAgent',
          }),
        ),
      },
    });

    const jwtAuthorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, {
      jwtAudience: [...props.jwtAudiences],
    });
    for (const route of props.routes) {
      const authorizer = route.authorizer === 'jwt' ? jwtAuthorizer : props.credentialAuthorizer;
      if (authorizer === undefined) {
        throw new Error(`Route ${route.name} accepts PATs: give PatsHttpApi a credentialAuthorizer`);
      }
      const fn = props.functions[route.name];
      if (fn === undefined) throw new Error(`No function for route ${route.name}`);
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.name}Integration`, fn),
        authorizer,
      });
    }
  }

  /** The stage's invoke URL. */
  get url(): string {
    return this.stage.url;
  }
}
