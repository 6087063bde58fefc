import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
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
  /**
   * The PAT table; the function may call only the actions of `tableGrants` on it.
   * @default - none: no grant may name it
   */
  readonly table?: ITable;
  /**
   * The audit table, for the grants that name it.
   * @default - none: no grant may name it
   */
  readonly auditTable?: ITable;
  /**
   * The table actions the function needs, each with the attributes it may touch.
   * @default [] - no access to any table
   */
  readonly tableGrants?: readonly TableGrant[];
  /**
   * Who invokes the function: API Gateway (synchronously), a stream's event source mapping (whose
   * on-failure destination takes what fails), or a scheduler (asynchronously: give it
   * `deadLetterQueue`).
   * @default 'api'
   */
  readonly invokedBy?: 'api' | 'stream' | 'schedule';
  /**
   * Where asynchronous invocations go once Lambda's retries fail.
   * @default - none
   */
  readonly deadLetterQueue?: IQueue;
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
 * One function of the stack (a route's, the authorizer's, the publisher's, the job's), each built
 * the same way: Node.js 24 on arm64, bundled locally by esbuild (no Docker), its own log group
 * with a retention, active tracing, JSON logs, and a role that may write its own logs and traces
 * and call only its DynamoDB actions, limited to the attributes it needs. Its three alarms
 * (errors, throttles, p99 duration) come with it.
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
      const table = grant.table === 'audit' ? props.auditTable : props.table;
      if (table === undefined)
        throw new Error(`${id}: a grant names the ${grant.table ?? 'pats'} table, which is not given`);
      role.addToPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [...grant.actions],
          resources: [grant.index === undefined ? table.tableArn : `${table.tableArn}/index/${grant.index}`],
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
      ...(props.deadLetterQueue !== undefined
        ? { deadLetterQueueEnabled: true, deadLetterQueue: props.deadLetterQueue }
        : {}),
    });

    // Tracing adds X-Ray's write actions, and a stream source dynamodb:ListStreams: IAM cannot
    // scope either to a resource.
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        props.invokedBy === 'stream'
          ? "xray:PutTraceSegments, xray:PutTelemetryRecords and the stream source's dynamodb:ListStreams support no resource-level permissions."
          : 'xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
    const invokedBy = props.invokedBy ?? 'api';
    if (invokedBy !== 'schedule') {
      Validations.of(this.function).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          invokedBy === 'api'
            ? 'Invoked synchronously by API Gateway only; there is no asynchronous event to dead-letter.'
            : "Invoked by a stream's event source mapping, whose on-failure destination (an SQS queue) takes the batches that fail.",
      });
    }

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
    ...(grant.attributes !== undefined || grant.leadingKeys !== undefined
      ? {
          'ForAllValues:StringEquals': {
            ...(grant.attributes !== undefined ? { 'dynamodb:Attributes': [...grant.attributes] } : {}),
            ...(grant.leadingKeys !== undefined ? { 'dynamodb:LeadingKeys': [...grant.leadingKeys] } : {}),
          },
        }
      : {}),
    StringEqualsIfExists: grant.reads
      ? { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' }
      : { 'dynamodb:ReturnValues': 'NONE' },
  };
}
