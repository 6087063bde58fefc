import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { nodejsBundling } from '../bundling';

const ROOT = path.join(__dirname, '..', '..');

/** See `GetPatFunctionProps.timeout`. */
export const FUNCTION_TIMEOUT_SECONDS = 15;

export interface GetPatFunctionProps {
  /** The PAT table; the function may only `dynamodb:GetItem` on it. */
  readonly table: ITable;
  /** Expected `iss` (JWT_ISSUER). */
  readonly jwtIssuer: string;
  /** Accepted audiences (JWT_AUDIENCE). */
  readonly jwtAudiences: readonly string[];
  /**
   * Override of the key set's location (JWKS_URI), for issuers without OIDC discovery.
   * @default - found through `<issuer>/.well-known/openid-configuration`
   */
  readonly jwksUri?: string;
  /**
   * The claim listing the workspaces a user may act in (WORKSPACE_CLAIM).
   * @default 'workspaces'
   */
  readonly workspaceClaim?: string;
  /**
   * Declare DYNAMODB_ENDPOINT and JWKS_URI (pointing at host.docker.internal) so that
   * `sam local invoke --env-vars` can override them: SAM only overrides variables the template
   * declares. Never for a deployed stage.
   * @default false
   */
  readonly localInvoke?: boolean;
  /**
   * Lambda gives CPU in proportion to memory; 512 MB halves the modelled cold start of 256 MB for
   * about a cent per million requests (docs/cost.md).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Longer than the worst case of a key fetch plus every DynamoDB attempt (about 13 s), so a
   * slow dependency ends as the function's own 503, and well under API Gateway's 30 s limit.
   * @default Duration.seconds(15)
   */
  readonly timeout?: Duration;
  /**
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Concurrency reserved for (and capping) the function. Unset by default: an account must keep
   * 100 unreserved, so small accounts cannot reserve any.
   * @default - none: the function uses the account's unreserved pool
   */
  readonly reservedConcurrency?: number;
  /**
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * The `GET /api/v1/pats/{id}` function: Node.js 24 on arm64, bundled locally by esbuild (no
 * Docker), with its own log group, active tracing, and a role that may write its logs and traces
 * and call `dynamodb:GetItem` on the table, nothing else.
 */
export class GetPatFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: GetPatFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    // An explicit role instead of AWSLambdaBasicExecutionRole, whose log permissions cover every
    // log group in the account.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'GET /api/v1/pats/{id}: write own logs and traces, read PATs',
    });
    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:GetItem'],
        resources: [props.table.tableArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(ROOT, 'lambda', 'handlers', 'get-pat.ts'),
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: path.join(ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(FUNCTION_TIMEOUT_SECONDS),
      ...(props.reservedConcurrency !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrency }
        : {}),
      role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: Tracing.ACTIVE,
      description: 'GET /api/v1/pats/{id}: PAT metadata for a user JWT',
      environment: {
        TABLE_NAME: props.table.tableName,
        JWT_ISSUER: props.jwtIssuer,
        JWT_AUDIENCE: props.jwtAudiences.join(','),
        WORKSPACE_CLAIM: props.workspaceClaim ?? 'workspaces',
        ...(props.jwksUri !== undefined ? { JWKS_URI: props.jwksUri } : {}),
        ...(props.localInvoke
          ? {
              DYNAMODB_ENDPOINT: 'http://host.docker.internal:8000',
              JWKS_URI: props.jwksUri ?? 'http://host.docker.internal:8001/.well-known/jwks.json',
            }
          : {}),
        POWERTOOLS_SERVICE_NAME: 'pats-api',
      },
      bundling: nodejsBundling(),
    });

    // Tracing adds X-Ray's write actions, which IAM cannot scope to a resource.
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
    // Only API Gateway invokes the function, synchronously: a failed request is answered, not queued.
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked synchronously by API Gateway only; there is no asynchronous event to dead-letter.',
    });
  }
}
