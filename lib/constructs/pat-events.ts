import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENTS } from '../../lambda/config/schema';
import { EVENT_SOURCE } from '../../lambda/domain/audit';
import { PUBLISHER_FUNCTION } from '../../lambda/publisher/definition';
import { entryOf } from '../../lambda/routes/route';
import type { AlarmThresholds } from '../stages';
import { ALARM_PERIOD, addAlarm } from './alarms';
import { RouteFunction } from './route-function';

export interface PatEventsProps {
  /** The audit table; its stream (new images) is what gets published. */
  readonly auditTable: ITable;
  /**
   * The publisher's other variables (the log level).
   * @default {}
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Where `pat.expiring` events are e-mailed (an SNS topic and a rule on the bus).
   * @default - no e-mail: consumers add their own rules
   */
  readonly notificationEmail?: string;
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
 * Every audit record as an event on the stack's EventBridge bus: the audit table's stream feeds the
 * publisher, in order per shard (one batch at a time), failures reported per record so Lambda
 * retries from the first unpublished one; batches that still fail go to a dead-letter queue, whose
 * first message raises an alarm. The records stay in the table: docs/operations.md says how to
 * publish them again.
 */
export class PatEvents extends Construct {
  readonly bus: EventBus;
  readonly publisher: RouteFunction;
  readonly deadLetterQueue: Queue;
  readonly alarms: readonly Alarm[];
  /** The topic `pat.expiring` is e-mailed through, when `notificationEmail` is given. */
  readonly notificationTopic: Topic | undefined;

  constructor(scope: Construct, id: string, props: PatEventsProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { description: 'PATs API: one event per audit record' });
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
      reason:
        'This queue is the dead-letter queue: it holds the stream batches the publisher could not publish.',
    });

    this.publisher = new RouteFunction(this, 'Publisher', {
      entry: entryOf(PUBLISHER_FUNCTION),
      description: PUBLISHER_FUNCTION.summary,
      environment: {
        ...props.environment,
        [EVENTS.settings.busName.env]: this.bus.eventBusName,
      },
      invokedBy: 'stream',
      memorySize: props.memorySize,
      // Ten PutEvents calls of a batch of 100, each bounded by the client's timeouts.
      timeout: Duration.seconds(60),
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      reservedConcurrency: props.reservedConcurrency,
      alarmThresholds: props.alarmThresholds,
      alarmTopic: props.alarmTopic,
    });
    this.publisher.function.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
      }),
    );
    this.publisher.function.addEventSource(
      new DynamoEventSource(props.auditTable, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        // One batch per shard at a time: a PAT's records never overtake each other.
        parallelizationFactor: 1,
        reportBatchItemFailures: true,
        bisectBatchOnError: false,
        // About an hour of retries with Lambda's backoff, well inside the stream's 24 hours.
        retryAttempts: 100,
        maxRecordAge: Duration.hours(6),
        onFailure: new SqsDlq(this.deadLetterQueue),
      }),
    );

    this.alarms = [
      addAlarm(
        this,
        'UnpublishedRecords',
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: ALARM_PERIOD,
          statistic: 'Maximum',
        }),
        1,
        {
          what: 'Audit records were not published after every retry: their batch is in the dead-letter queue.',
        },
        props.alarmTopic,
      ),
      addAlarm(
        this,
        'PublisherBehind',
        this.publisher.function.metric('IteratorAge', { period: ALARM_PERIOD, statistic: 'Maximum' }),
        Duration.minutes(15).toMilliseconds(),
        { what: 'The publisher is more than 15 minutes behind the audit table: events are late.' },
        props.alarmTopic,
      ),
    ];

    this.notificationTopic =
      props.notificationEmail === undefined ? undefined : this.expiringNotices(props.notificationEmail);
  }

  /** `pat.expiring` e-mailed: an encrypted topic EventBridge may publish to, and a rule on the bus. */
  private expiringNotices(email: string): Topic {
    const key = new Key(this, 'NoticeKey', {
      enableKeyRotation: true,
      description: 'Encrypts the PATs API expiry notice topic',
    });
    // EventBridge publishes to an encrypted topic only with a key that lets it, from this bus only.
    const { account } = Stack.of(this);
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowThisBusRules',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    const topic = new Topic(this, 'ExpiringTopic', {
      displayName: 'PATs API: PATs expiring soon',
      masterKey: key,
      enforceSSL: true,
    });
    const subscription = topic.addSubscription(new EmailSubscription(email));
    Validations.of(subscription).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason: 'A notice e-mail that cannot be delivered loses nothing: the record stays in the audit log.',
    });
    const rule = new Rule(this, 'ExpiringRule', {
      eventBus: this.bus,
      description: 'E-mails pat.expiring',
      eventPattern: { source: [EVENT_SOURCE], detailType: ['pat.expiring'] },
      targets: [
        new SnsTopic(topic, {
          message: RuleTargetInput.fromText(
            `PAT "${EventField.fromPath('$.detail.name')}" (${EventField.fromPath('$.detail.tokenPrefix')}…) of workspace ${EventField.fromPath('$.detail.workspaceId')} expires in ${EventField.fromPath('$.detail.daysLeft')} day(s). Rotate it: POST /api/v1/pats/${EventField.fromPath('$.detail.patId')}/rotate`,
          ),
        }),
      ],
    });
    Validations.of(rule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        'A notice that cannot be delivered loses nothing: its record stays in the audit log (GET /api/v1/audit-log).',
    });
    return topic;
  }
}
