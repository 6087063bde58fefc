import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EXPIRY_JOB_FUNCTION } from '../../lambda/expiry-job/definition';
import { entryOf } from '../../lambda/routes/route';
import type { AlarmThresholds } from '../stages';
import { ALARM_PERIOD, addAlarm } from './alarms';
import { RouteFunction } from './route-function';

export interface ExpiryJobProps {
  /** The PAT table, with its expiry index. */
  readonly table: ITable;
  /** Where the job's records go. */
  readonly auditTable: ITable;
  /** The job's environment: its tables and settings (`EXPIRY_JOB_SETTINGS`). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * When the job runs.
   * @default ScheduleExpression.cron({ minute: '0', hour: '3' }) - daily at 03:00 UTC
   */
  readonly schedule?: ScheduleExpression;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** @default - none */
  readonly reservedConcurrency?: number;
  /** @default DEFAULT_ALARM_THRESHOLDS */
  readonly alarmThresholds?: AlarmThresholds;
  /** @default - nowhere */
  readonly alarmTopic?: Topic;
}

/**
 * The expiry job: EventBridge Scheduler invokes it daily; Lambda retries a failed run twice, then
 * the run lands in a dead-letter queue with an alarm. Runs may overlap or repeat: every step is a
 * conditional write, so none is made twice.
 */
export class ExpiryJob extends Construct {
  readonly job: RouteFunction;
  readonly schedule: Schedule;
  readonly deadLetterQueue: Queue;
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: ExpiryJobProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'This queue is the last stop: what it holds is read by an operator (docs/operations.md), not redriven automatically.',
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue: it holds the runs of the expiry job that failed.',
    });
    this.job = new RouteFunction(this, 'Job', {
      entry: entryOf(EXPIRY_JOB_FUNCTION),
      description: EXPIRY_JOB_FUNCTION.summary,
      table: props.table,
      auditTable: props.auditTable,
      tableGrants: EXPIRY_JOB_FUNCTION.table,
      environment: props.environment,
      invokedBy: 'schedule',
      deadLetterQueue: this.deadLetterQueue,
      memorySize: props.memorySize,
      // Lambda's longest: a large table's first run also indexes the PATs of earlier versions.
      timeout: Duration.minutes(15),
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      reservedConcurrency: props.reservedConcurrency,
      alarmThresholds: props.alarmThresholds,
      alarmTopic: props.alarmTopic,
    });
    // Its own role, so that its one wildcard can be explained here.
    const role = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: 'EventBridge Scheduler: invoke the expiry job, send failures to its dead-letter queue',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::<ExpiryJobFunction766A764C.Arn>:*]',
      reason:
        "The scheduler's LambdaInvoke target grants the job function's versions and aliases too; nothing else.",
    });
    this.schedule = new Schedule(this, 'Daily', {
      schedule: props.schedule ?? ScheduleExpression.cron({ minute: '0', hour: '3' }),
      description: 'Runs the PATs API expiry job',
      target: new LambdaInvoke(this.job.function, {
        role,
        // The run's log line names when it was due: a retried run is told from the next day's.
        input: ScheduleTargetInput.fromObject({ scheduledTime: ContextAttribute.scheduledTime }),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      }),
    });
    this.alarms = [
      addAlarm(
        this,
        'FailedRuns',
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: ALARM_PERIOD,
          statistic: 'Maximum',
        }),
        1,
        {
          what: 'A run of the expiry job failed after its retries: notices and removals wait for the next run.',
        },
        props.alarmTopic,
      ),
    ];
  }
}
