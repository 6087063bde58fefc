import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AppSettings } from './app-context';
import { GetPatFunction } from './constructs/get-pat-function';
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

    new CfnOutput(this, 'ApiUrl', { value: http.url, description: 'Base URL of the PATs API' });
    new CfnOutput(this, 'TableName', {
      value: table.tableName,
      description: 'DynamoDB table holding the PATs',
    });
    new CfnOutput(this, 'FunctionName', {
      value: getPat.function.functionName,
      description: 'GET /api/v1/pats/{id} function (for logs and sam local invoke)',
    });
  }
}
