import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { type Alarm, MathExpression } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { type AlarmThresholds, DEFAULT_ALARM_THRESHOLDS } from '../stages';
import { ALARM_PERIOD, addAlarm, tableMetric } from './alarms';

export interface ApiAlarmsProps {
  readonly api: IHttpApi;
  readonly table: ITable;
  /**
   * @default DEFAULT_ALARM_THRESHOLDS
   */
  readonly thresholds?: AlarmThresholds;
  /**
   * @default - nowhere: the alarms only change state
   */
  readonly topic?: Topic;
}

/**
 * The alarms of what the functions share: the API's 5xx rate and p99 latency, DynamoDB throttling
 * or failing. Each function's own alarms come with its `RouteFunction`.
 */
export class ApiAlarms extends Construct {
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: ApiAlarmsProps) {
    super(scope, id);
    const t = props.thresholds ?? DEFAULT_ALARM_THRESHOLDS;
    const api5xxRate = new MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: props.api.metricServerError({ period: ALARM_PERIOD, statistic: 'Sum' }),
        requests: props.api.metricCount({ period: ALARM_PERIOD, statistic: 'Sum' }),
      },
      period: ALARM_PERIOD,
      label: 'API 5xx rate (%)',
    });
    this.alarms = [
      addAlarm(
        this,
        'Api5xxRate',
        api5xxRate,
        t.api5xxRatePercent,
        { what: 'Too many requests end in a 5xx (503 from a dependency, 500 from a bug).', of: 3, need: 2 },
        props.topic,
      ),
      addAlarm(
        this,
        'ApiP99Latency',
        props.api.metricLatency({ period: ALARM_PERIOD, statistic: 'p99' }),
        t.apiP99LatencyMs,
        { what: 'p99 latency seen by clients is high.', of: 3, need: 2 },
        props.topic,
      ),
      addAlarm(
        this,
        'DynamoDbThrottles',
        tableMetric(props.table, 'ThrottledRequests', { period: ALARM_PERIOD }),
        t.dynamoDbThrottledRequests,
        { what: 'DynamoDB throttled requests of the PAT table.' },
        props.topic,
      ),
      addAlarm(
        this,
        'DynamoDbSystemErrors',
        tableMetric(props.table, 'SystemErrors', { period: ALARM_PERIOD }),
        t.dynamoDbSystemErrors,
        { what: 'DynamoDB answered requests of the PAT table with server errors.' },
        props.topic,
      ),
    ];
  }
}
