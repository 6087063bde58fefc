import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { TableGrant } from '../../lambda/routes/route';
import { nodejsBundling } from '../bundling';
import { type AlarmThresholds, DEFAULT_ALARM_THRESHOLDS } from '../stages';
import { ALARM_PERIOD, addAlarm } from './alarms';

const ROOT = path.join(__dirname, '..', '..');

/** See `RouteFunctionProps.timeout`. */
export const FUNCTION_TIMEOUT_SECONDS = 15;

export interface RouteFunctionProps {
  /** The handler module under `lambda/handlers/`, without `.ts`; it exports `handler`. */
  readonly entry: string;
  /** What the function does, e.g. `GET /api/v1/pats/{id}: a PAT's metadata`. */
  readonly description: string;
  /** The PAT table; the function may call only the actions of `tableGrants` on it. */
  readonly table: ITable;
  /**
   * The table actions the function's route needs, each with the attributes it may touch.
   * @default [] - no access to the table
   */
  readonly tableGrants?: readonly TableGrant[];
  /** The function's configuration: the variables its settings groups read (`lambda/config/schema.ts`). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Lambda gives CPU in proportion to memory (the trade-off is in docs/cost.md).
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
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Concurrency reserved for (and capping) the function.
   * @default - none: the function uses the account's unreserved pool
   */
  readonly reservedConcurrency?: number;
  /**
   * When the function's alarms fire (errors, throttles, p99 duration near the timeout).
   * @default DEFAULT_ALARM_THRESHOLDS
   */
  readonly alarmThresholds?: AlarmThresholds;
  /**
   * Where the function's alarms notify.
   * @default - nowhere: the alarms only change state
   */
  readonly alarmTopic?: Topic;
}

/**
 * One route's function, built the same way for every route: Node.js 24 on arm64, bundled locally
 * by esbuild (no Docker), its own log group with a retention, active tracing, JSON logs, and a
 * role that may write its own logs and traces and call only its route's DynamoDB actions, limited
 * to the attributes the route needs. Its three alarms (errors, throttles, p99 duration) come with it.
 */
export class RouteFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: RouteFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    // An explicit role instead of AWSLambdaBasicExecutionRole, whose log permissions cover every
    // log group in the account.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description}: write own logs and traces, and its table actions only`,
    });
    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    for (const grant of props.tableGrants ?? []) {
      role.addToPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [...grant.actions],
          resources: [props.table.tableArn],
          conditions: grantConditions(grant),
        }),
      );
    }

    const timeout = props.timeout ?? Duration.seconds(FUNCTION_TIMEOUT_SECONDS);
    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(ROOT, 'lambda', 'handlers', `${props.entry}.ts`),
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: path.join(ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout,
      ...(props.reservedConcurrency !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrency }
        : {}),
      role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: Tracing.ACTIVE,
      description: props.description,
      environment: { ...props.environment },
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

    const t = props.alarmThresholds ?? DEFAULT_ALARM_THRESHOLDS;
    const fn = this.function;
    this.alarms = [
      addAlarm(
        this,
        'Errors',
        fn.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' }),
        t.lambdaErrors,
        {
          what: `${props.description}: the function failed outside its own error handling (crash, timeout, out of memory).`,
        },
        props.alarmTopic,
      ),
      addAlarm(
        this,
        'Throttles',
        fn.metricThrottles({ period: ALARM_PERIOD, statistic: 'Sum' }),
        t.lambdaThrottles,
        {
          what: `${props.description}: invocations were throttled, account or reserved concurrency is exhausted.`,
        },
        props.alarmTopic,
      ),
      addAlarm(
        this,
        'P99Duration',
        fn.metricDuration({ period: ALARM_PERIOD, statistic: 'p99' }),
        Math.round(timeout.toMilliseconds() * t.lambdaP99DurationRatio),
        {
          what: `${props.description}: p99 duration is near the timeout, a dependency (issuer keys, DynamoDB) is slow.`,
          of: 3,
          need: 2,
        },
        props.alarmTopic,
      ),
    ];
  }
}

/**
 * IAM's fine-grained access control for DynamoDB: every attribute a request reads or writes must
 * be listed, and a read must name its attributes (else it passes the list unchecked). A write
 * returns nothing: any `ReturnValues` but NONE would hand back item attributes, `tokenHash` among
 * them for `ALL_OLD` (docs/security.md names what IAM cannot condition).
 */
function grantConditions(grant: TableGrant) {
  return {
    ...(grant.attributes !== undefined
      ? { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...grant.attributes] } }
      : {}),
    StringEqualsIfExists: grant.reads
      ? { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' }
      : { 'dynamodb:ReturnValues': 'NONE' },
  };
}
