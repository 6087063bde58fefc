import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { type AlarmThresholds, DEFAULT_ALARM_THRESHOLDS } from '../stages';
import { getItemMetric } from './table-metrics';

export interface PatsAlarmsProps {
  readonly function: IFunction;
  /** The function's timeout, which the p99 duration alarm is measured against. */
  readonly functionTimeout: Duration;
  readonly api: IHttpApi;
  readonly table: ITable;
  /**
   * @default DEFAULT_ALARM_THRESHOLDS
   */
  readonly thresholds?: AlarmThresholds;
  /**
   * Sends alarm and recovery notifications to an SNS topic with this e-mail subscription.
   * @default - no topic: the alarms only change state
   */
  readonly alarmEmail?: string;
}

const PERIOD = Duration.minutes(5);
const RUNBOOK = 'See docs/operations.md#alarms';

/**
 * The alarms that should wake someone: the function failing or throttled or near its timeout, the
 * API's 5xx rate and p99 latency, DynamoDB throttling or failing. Missing data is not breaching (no
 * traffic is not an outage). Each alarm's description says what it means and where the runbook is.
 */
export class PatsAlarms extends Construct {
  readonly alarms: Alarm[] = [];
  readonly topic: Topic | undefined;

  constructor(scope: Construct, id: string, props: PatsAlarmsProps) {
    super(scope, id);
    const t = props.thresholds ?? DEFAULT_ALARM_THRESHOLDS;

    if (props.alarmEmail !== undefined) {
      // CloudWatch can publish to an encrypted topic only with a customer managed key that lets it.
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

    const fn = props.function;
    this.add('LambdaErrors', fn.metricErrors({ period: PERIOD, statistic: 'Sum' }), t.lambdaErrors, {
      what: 'The function failed outside its own error handling (crash, timeout, out of memory).',
    });
    this.add('LambdaThrottles', fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }), t.lambdaThrottles, {
      what: 'Invocations were throttled: account or reserved concurrency is exhausted.',
    });
    this.add(
      'LambdaP99Duration',
      fn.metricDuration({ period: PERIOD, statistic: 'p99' }),
      Math.round(props.functionTimeout.toMilliseconds() * t.lambdaP99DurationRatio),
      {
        what: 'p99 duration is near the timeout: a dependency (issuer keys, DynamoDB) is slow.',
        of: 3,
        need: 2,
      },
    );

    const api5xxRate = new MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: props.api.metricServerError({ period: PERIOD, statistic: 'Sum' }),
        requests: props.api.metricCount({ period: PERIOD, statistic: 'Sum' }),
      },
      period: PERIOD,
      label: 'API 5xx rate (%)',
    });
    this.add('Api5xxRate', api5xxRate, t.api5xxRatePercent, {
      what: 'Too many requests end in a 5xx (503 from a dependency, 500 from a bug).',
      of: 3,
      need: 2,
    });
    this.add(
      'ApiP99Latency',
      props.api.metricLatency({ period: PERIOD, statistic: 'p99' }),
      t.apiP99LatencyMs,
      {
        what: 'p99 latency seen by clients is high.',
        of: 3,
        need: 2,
      },
    );

    const table = props.table;
    this.add(
      'DynamoDbThrottles',
      getItemMetric(table, 'ThrottledRequests', { period: PERIOD, statistic: 'Sum' }),
      t.dynamoDbThrottledRequests,
      { what: 'DynamoDB throttled GetItem requests.' },
    );
    this.add(
      'DynamoDbSystemErrors',
      getItemMetric(table, 'SystemErrors', { period: PERIOD, statistic: 'Sum' }),
      t.dynamoDbSystemErrors,
      { what: 'DynamoDB answered GetItem with server errors.' },
    );
  }

  private add(
    name: string,
    metric: IMetric,
    threshold: number,
    options: { what: string; of?: number; need?: number },
  ) {
    const alarm = new Alarm(this, name, {
      metric,
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: options.of ?? 1,
      datapointsToAlarm: options.need ?? 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `${options.what} ${RUNBOOK}-${name.toLowerCase()}`,
    });
    if (this.topic !== undefined) {
      alarm.addAlarmAction(new SnsAction(this.topic));
      alarm.addOkAction(new SnsAction(this.topic));
    }
    this.alarms.push(alarm);
  }
}
