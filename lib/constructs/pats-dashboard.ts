import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  MathExpression,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { PATS_METRICS } from '../../lambda/adapters/emf-metrics';
import { tableMetric } from './alarms';

export interface PatsDashboardProps {
  /** Every function of the API, by the name its graphs show. */
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly api: IHttpApi;
  readonly table: ITable;
  readonly alarms: readonly Alarm[];
  /**
   * @default the construct path's name
   */
  readonly dashboardName?: string;
}

const PERIOD = Duration.minutes(1);

/** A graph of every value of the service's metric `name` over the given dimension keys. */
function search(name: string, dimensions: readonly string[], statistic: string, label = '') {
  const keys = ['Service', ...dimensions].join(',');
  return new MathExpression({
    expression: `SEARCH('{${PATS_METRICS.namespace},${keys}} MetricName="${name}"', '${statistic}', 60)`,
    label,
    period: PERIOD,
  });
}

/**
 * One page to see the service working: request rate and the outcome mix of every route, latency
 * at the gateway and in each function, cold starts, errors and throttles per function, token
 * refusals, DynamoDB health, and every alarm.
 */
export class PatsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: PatsDashboardProps) {
    super(scope, id);
    const functions = Object.entries(props.functions);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      ...(props.dashboardName !== undefined ? { dashboardName: props.dashboardName } : {}),
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Requests (API Gateway)',
        left: [props.api.metricCount({ period: PERIOD, statistic: 'Sum', label: 'requests' })],
        right: [
          props.api.metricClientError({ period: PERIOD, statistic: 'Sum', label: '4xx' }),
          props.api.metricServerError({ period: PERIOD, statistic: 'Sum', label: '5xx' }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Outcomes by route (functions)',
        left: [search('Request', ['Route', 'Outcome'], 'Sum')],
        stacked: true,
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Latency at the gateway (ms)',
        left: ['p50', 'p90', 'p99'].map((statistic) =>
          props.api.metricLatency({ period: PERIOD, statistic, label: `latency ${statistic}` }),
        ),
        right: [
          props.api.metricIntegrationLatency({ period: PERIOD, statistic: 'p99', label: 'integration p99' }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Function duration p99 (ms) and concurrency',
        left: functions.map(([name, fn]) =>
          fn.metricDuration({ period: PERIOD, statistic: 'p99', label: name }),
        ),
        right: functions.map(([name, fn]) =>
          fn.metric('ConcurrentExecutions', {
            period: PERIOD,
            statistic: 'Maximum',
            label: `${name} concurrency`,
          }),
        ),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Cold starts, Lambda errors and throttles',
        left: [search('ColdStart', ['Route'], 'Sum')],
        right: functions.flatMap(([name, fn]) => [
          fn.metricErrors({ period: PERIOD, statistic: 'Sum', label: `${name} errors` }),
          fn.metricThrottles({ period: PERIOD, statistic: 'Sum', label: `${name} throttles` }),
        ]),
        width: 12,
      }),
      new GraphWidget({
        title: 'Refused tokens by reason',
        left: [search('JwtRejected', ['Reason'], 'Sum')],
        stacked: true,
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Credential authorizer: answers by outcome and token type',
        left: [search('Authorization', ['Outcome', 'TokenType'], 'Sum')],
        stacked: true,
        width: 12,
      }),
      new GraphWidget({
        title: 'lastUsedAt writes that failed (answers unchanged)',
        left: [search('LastUsedWriteFailed', [], 'Sum')],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'DynamoDB',
        left: [search('DynamoDbLatency', ['Route'], 'p99')],
        right: [
          tableMetric(props.table, 'ThrottledRequests', { period: PERIOD, label: 'throttled' }),
          tableMetric(props.table, 'SystemErrors', { period: PERIOD, label: 'system errors' }),
        ],
        width: 12,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 12 }),
    );
  }
}
