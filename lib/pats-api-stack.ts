import { CfnOutput, CfnRule, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { AUTHORIZER_FUNCTION } from '../lambda/authorizer/definition';
import { JWT } from '../lambda/config/schema';
import { contextValues, environmentOf } from '../lambda/config/setting';
import { EXPIRY_JOB_FUNCTION } from '../lambda/expiry-job/definition';
import { PUBLISHER_FUNCTION } from '../lambda/publisher/definition';
import { type AppSettings, CONTEXT_SETTINGS } from './app-context';
import { AlarmTopic } from './constructs/alarms';
import { ApiAlarms } from './constructs/api-alarms';
import { AuditTable } from './constructs/audit-table';
import { ExpiryJob } from './constructs/expiry-job';
import { PatAuthorizer } from './constructs/pat-authorizer';
import { PatEvents } from './constructs/pat-events';
import { PatsDashboard } from './constructs/pats-dashboard';
import { PatsHttpApi } from './constructs/pats-http-api';
import { PatsTable } from './constructs/pats-table';
import { RouteFunction } from './constructs/route-function';
import {
  constructIdOf,
  entryOf,
  type FunctionDefinition,
  ROUTES,
  type RouteName,
  reservedConcurrencies,
  routeScopes,
} from './routes';

export interface PatsApiStackProps extends StackProps {
  readonly settings: AppSettings;
}

/**
 * Composes the tables, one function per route, the HTTP API, the events and the expiry job, alarms
 * and dashboard; each concern lives in its own construct.
 */
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
    const { table: auditTable } = new AuditTable(this, 'Audit', {
      removalPolicy: stage.removalPolicy,
      deletionProtection: stage.deletionProtection,
    });
    const tables = { table, auditTable };
    const { topic } = new AlarmTopic(this, 'AlarmTopic', { alarmEmail: stage.alarmEmail });
    const common = {
      memorySize: stage.memorySize,
      logRetention: stage.logRetention,
      logRemovalPolicy: stage.removalPolicy,
      alarmThresholds: stage.alarms,
      ...(topic !== undefined ? { alarmTopic: topic } : {}),
    };

    const reserved = reservedConcurrencies(stage.reservedConcurrency);
    const routeFunctions = ROUTES.map((route) => {
      const routeFunction = new RouteFunction(this, constructIdOf(route), {
        entry: entryOf(route),
        description: route.summary,
        ...tables,
        tableGrants: route.table,
        environment: {
          ...contextEnvironment(route, settings, tables),
          ...samLocalEnvironment(route, settings),
        },
        ...common,
        reservedConcurrency: reserved.get(route.name),
      });
      return { route, routeFunction };
    });
    const functions: Partial<Record<RouteName, IFunction>> = {};
    for (const { route, routeFunction } of routeFunctions) functions[route.name] = routeFunction.function;
    this.functions = functions as Record<RouteName, IFunction>;

    // The construct sets the key set's location itself when the context gives one.
    const authorizerSamLocal = samLocalEnvironment(AUTHORIZER_FUNCTION, settings);
    if (settings.jwt.jwksUri !== undefined) delete authorizerSamLocal[JWT.settings.jwksUri.env];
    this.patAuthorizer = new PatAuthorizer(this, 'Authorizer', {
      table,
      jwtIssuer: settings.jwt.issuer,
      jwtAudiences: settings.jwt.audiences,
      ...(settings.jwt.jwksUri !== undefined ? { jwksUri: settings.jwt.jwksUri } : {}),
      workspaceClaim: settings.jwt.workspaceClaim,
      routeScopes: routeScopes(ROUTES),
      patScopes: settings.patPolicy.scopes,
      resultsCacheTtl: Duration.seconds(settings.gateway.authorizerCacheSeconds),
      environment: authorizerSamLocal,
      ...common,
      reservedConcurrency: reserved.get(AUTHORIZER_FUNCTION.name),
    });

    const events = new PatEvents(this, 'Events', {
      auditTable,
      environment: {
        ...contextEnvironment(PUBLISHER_FUNCTION, settings, tables),
        ...samLocalEnvironment(PUBLISHER_FUNCTION, settings),
      },
      ...(settings.notificationEmail !== undefined ? { notificationEmail: settings.notificationEmail } : {}),
      ...common,
      reservedConcurrency: reserved.get(PUBLISHER_FUNCTION.name),
    });
    const expiryJob = new ExpiryJob(this, 'Expiry', {
      ...tables,
      environment: {
        ...contextEnvironment(EXPIRY_JOB_FUNCTION, settings, tables),
        ...samLocalEnvironment(EXPIRY_JOB_FUNCTION, settings),
      },
      ...common,
      reservedConcurrency: reserved.get(EXPIRY_JOB_FUNCTION.name),
    });

    const http = new PatsHttpApi(this, 'Http', {
      routes: ROUTES,
      functions: this.functions,
      credentialAuthorizer: this.patAuthorizer.authorizer,
      jwtIssuer: settings.jwt.issuer,
      jwtAudiences: settings.jwt.audiences,
      throttle: stage.throttle,
      corsAllowedOrigins: settings.gateway.corsAllowedOrigins,
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
      functions: {
        ...this.functions,
        authorizer: this.patAuthorizer.function,
        publisher: events.publisher.function,
        expiryJob: expiryJob.job.function,
      },
      api: http.api,
      table,
      alarms: [
        ...routeFunctions.flatMap(({ routeFunction }) => routeFunction.alarms),
        ...this.patAuthorizer.routeFunction.alarms,
        ...events.publisher.alarms,
        ...events.alarms,
        ...expiryJob.job.alarms,
        ...expiryJob.alarms,
        ...apiAlarms.alarms,
      ],
      dashboardName: `${this.stackName}`,
    });

    new CfnOutput(this, 'ApiUrl', { value: http.url, description: 'Base URL of the PATs API' });
    new CfnOutput(this, 'TableName', {
      value: table.tableName,
      description: 'DynamoDB table holding the PATs',
    });
    new CfnOutput(this, 'AuditTableName', {
      value: auditTable.tableName,
      description: 'DynamoDB table holding the audit records',
    });
    new CfnOutput(this, 'EventBusName', {
      value: events.bus.eventBusName,
      description: 'EventBridge bus of the audit records (source pats-api)',
    });
    for (const { route, routeFunction } of routeFunctions) {
      new CfnOutput(this, `${constructIdOf(route)}FunctionName`, {
        value: routeFunction.function.functionName,
        description: `${route.method} ${route.path} function (for logs and sam local invoke)`,
      });
    }
    new CfnOutput(this, 'AuthorizerFunctionName', {
      value: this.patAuthorizer.function.functionName,
      description: 'Credential authorizer function (for logs and sam local invoke)',
    });
    new CfnOutput(this, 'PublisherFunctionName', {
      value: events.publisher.function.functionName,
      description: 'Publisher function (for logs and sam local invoke)',
    });
    new CfnOutput(this, 'ExpiryJobFunctionName', {
      value: expiryJob.job.function.functionName,
      description: 'Expiry job function (for logs and sam local invoke)',
    });
    new CfnOutput(this, 'DashboardName', {
      value: dashboard.dashboardName,
      description: 'CloudWatch dashboard',
    });
  }
}

/**
 * A function's environment: its tables, and the settings of its groups that the context gives, as
 * the functions read them.
 */
function contextEnvironment(
  fn: FunctionDefinition,
  settings: AppSettings,
  tables: { readonly table: ITable; readonly auditTable: ITable },
): Record<string, string> {
  const fromContext = contextValues(CONTEXT_SETTINGS, settings);
  return environmentOf(fn.settings, {
    ...fromContext,
    table: { name: tables.table.tableName },
    audit: { ...fromContext.audit, tableName: tables.auditTable.tableName },
  });
}

/**
 * With `localInvoke`, the DynamoDB endpoint and the key set at host.docker.internal, so that
 * `sam local invoke --env-vars` can override them: SAM only overrides variables a template declares.
 */
function samLocalEnvironment(fn: FunctionDefinition, settings: AppSettings): Record<string, string> {
  if (!settings.localInvoke) return {};
  return environmentOf(fn.settings, {
    dynamoDb: { endpoint: 'http://host.docker.internal:8000' },
    jwt: { jwksUri: settings.jwt.jwksUri ?? 'http://host.docker.internal:8001/.well-known/jwks.json' },
    events: { endpoint: 'http://host.docker.internal:8002' },
  });
}
