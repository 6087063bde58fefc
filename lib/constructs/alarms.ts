import { Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export const ALARM_PERIOD = Duration.minutes(5);
const RUNBOOK = 'See docs/operations.md#alarms';

/** What an alarm means for the person it wakes, and how many periods must breach. */
export interface AlarmSpec {
  /** One sentence: what is wrong. The runbook link is added. */
  readonly what: string;
  /** @default 1 */
  readonly of?: number;
  /** @default 1 */
  readonly need?: number;
}

/**
 * Where alarm notifications go: an SNS topic with an e-mail subscription, encrypted with a
 * customer managed key (CloudWatch can publish to an encrypted topic only with a key that lets
 * it), or nowhere when no e-mail is given.
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic | undefined;

  constructor(scope: Construct, id: string, props: { readonly alarmEmail?: string | undefined }) {
    super(scope, id);
    if (props.alarmEmail === undefined) return;
    const key = new Key(this, 'TopicKey', {
      enableKeyRotation: true,
      description: 'Encrypts the PATs API alarm topic',
    });
    // Only this account's alarms may use the key through CloudWatch (confused-deputy protection).
    const { account, region, partition } = Stack.of(this);
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowThisAccountsAlarms',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
        },
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      displayName: 'PATs API alarms',
      masterKey: key,
      enforceSSL: true,
    });
    const subscription = this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    Validations.of(subscription).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason:
        'An alarm e-mail that cannot be delivered loses nothing: the alarm state and its history stay in CloudWatch and on the dashboard.',
    });
  }
}

/**
 * An alarm the way this project wants every alarm: missing data is not breaching (no traffic is
 * not an outage), the description says what it means and where the runbook is, and alarm and
 * recovery both notify the topic when there is one.
 */
export function addAlarm(
  scope: Construct,
  id: string,
  metric: IMetric,
  threshold: number,
  spec: AlarmSpec,
  topic: Topic | undefined,
): Alarm {
  const alarm = new Alarm(scope, id, {
    metric,
    threshold,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: spec.of ?? 1,
    datapointsToAlarm: spec.need ?? 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
    alarmDescription: `${spec.what} ${RUNBOOK}-${id.toLowerCase()}`,
  });
  if (topic !== undefined) {
    alarm.addAlarmAction(new SnsAction(topic));
    alarm.addOkAction(new SnsAction(topic));
  }
  return alarm;
}

/** The DynamoDB operations the functions call (a transaction counts as its own operation). */
export const TABLE_OPERATIONS = ['GetItem', 'Query', 'TransactWriteItems', 'UpdateItem'] as const;

/** A DynamoDB metric of the table, summed over the operations the service uses. */
export function tableMetric(
  table: ITable,
  metricName: 'ThrottledRequests' | 'SystemErrors',
  options: { readonly period: Duration; readonly label?: string },
): MathExpression {
  // Ids must differ across the expressions of one graph: both table metrics may share a widget.
  const idOf = (operation: string) => `${metricName.toLowerCase()}_${operation.toLowerCase()}`;
  const usingMetrics = Object.fromEntries(
    TABLE_OPERATIONS.map((operation) => [
      idOf(operation),
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: table.tableName, Operation: operation },
        statistic: 'Sum',
        period: options.period,
      }),
    ]),
  );
  return new MathExpression({
    expression: TABLE_OPERATIONS.map((operation) => `FILL(${idOf(operation)}, 0)`).join(' + '),
    usingMetrics,
    period: options.period,
    label: options.label ?? `DynamoDB ${metricName}`,
  });
}
