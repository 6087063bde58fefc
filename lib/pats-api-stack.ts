import { CfnOutput, CfnRule, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AppSettings } from './app-context';
import { FUNCTION_TIMEOUT_SECONDS, GetPatFunction } from './constructs/get-pat-function';
import { PatsAlarms } from './constructs/pats-alarms';
import { PatsDashboard } from './constructs/pats-dashboard';
import { PatsHttpApi } from './constructs/pats-http-api';
import { PatsTable } from './constructs/pats-table';
import { ROUTES } from './routes';

export interface PatsApiStackProps extends StackProps {
  readonly settings: AppSettings;
}

/** Composes the table, the function and the HTTP API; each concern lives in its own construct. */
export class PatsApiStack extends Stack {
  constructor(scope: Construct, id: string, props: PatsApiStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const { stage } = settings;

    if (settings.localInvoke) {
      // A template for `sam local invoke` points the function at host.docker.internal. SAM ignores
      // rules; CloudFormation evaluates them before any change, and this one can never hold, so
      // the template cannot be deployed by mistake. (The function would also refuse to start.)
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

    const getPat = new GetPatFunction(this, 'GetPat', {
      table,
      jwtIssuer: settings.jwtIssuer,
      jwtAudiences: settings.jwtAudiences,
      ...(settings.jwksUri !== undefined ? { jwksUri: settings.jwksUri } : {}),
      workspaceClaim: settings.workspaceClaim,
      memorySize: stage.memorySize,
      logRetention: stage.logRetention,
      logRemovalPolicy: stage.removalPolicy,
      localInvoke: settings.localInvoke,
      ...(stage.reservedConcurrency !== undefined ? { reservedConcurrency: stage.reservedConcurrency } : {}),
    });

    const http = new PatsHttpApi(this, 'Http', {
      routes: ROUTES,
      handlers: { getPat: getPat.function },
      jwtIssuer: settings.jwtIssuer,
      jwtAudiences: settings.jwtAudiences,
      throttle: stage.throttle,
      corsAllowedOrigins: settings.corsAllowedOrigins,
      accessLogRetention: stage.logRetention,
      accessLogRemovalPolicy: stage.removalPolicy,
    });

    const { alarms } = new PatsAlarms(this, 'Alarms', {
      function: getPat.function,
      functionTimeout: getPat.function.timeout ?? Duration.seconds(FUNCTION_TIMEOUT_SECONDS),
      api: http.api,
      table,
      thresholds: stage.alarms,
      ...(stage.alarmEmail !== undefined ? { alarmEmail: stage.alarmEmail } : {}),
    });

    const { dashboard } = new PatsDashboard(this, 'Dashboard', {
      function: getPat.function,
      api: http.api,
      table,
      alarms,
      dashboardName: `${this.stackName}`,
    });

    new CfnOutput(this, 'ApiUrl', { value: http.url, description: 'Base URL of the PATs API' });
    new CfnOutput(this, 'TableName', {
      value: table.tableName,
      description: 'DynamoDB table holding the PATs',
    });
    new CfnOutput(this, 'FunctionName', {
      value: getPat.function.functionName,
      description: 'GET /api/v1/pats/{id} function (for logs and sam local invoke)',
    });
    new CfnOutput(this, 'DashboardName', {
      value: dashboard.dashboardName,
      description: 'CloudWatch dashboard',
    });
  }
}
