import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { OUTCOMES, PATS_METRICS } from '../../lambda/adapters/emf-metrics';
import { getItemMetric } from './table-metrics';

export interface PatsDashboardProps {
  readonly function: IFunction;
  readonly api: IHttpApi;
  readonly table: ITable;
  readonly alarms: readonly Alarm[];
  /**
   * @default the construct path's name
   */
  readonly dashboardName?: string;
}

const PERIOD = Duration.minutes(1);

/**
 * One page to see the service working: request rate and outcome mix, latency percentiles at the
 * gateway and in the function, cold starts and token refusals, DynamoDB health, and every alarm.
 */
export class PatsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: PatsDashboardProps) {
    super(scope, id);
    const service = { Service: PATS_METRICS.service };
    const custom = (
      metricName: string,
      dimensionsMap: Record<string, string>,
      statistic = 'Sum',
      label?: string,
    ) =>
      new Metric({
        namespace: PATS_METRICS.namespace,
        metricName,
        dimensionsMap: { ...service, ...dimensionsMap },
        statistic,
        period: PERIOD,
        ...(label !== undefined ? { label } : {}),
      });

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
        title: 'Outcomes (function)',
        left: OUTCOMES.map((outcome) => custom('Request', { Outcome: outcome }, 'Sum', outcome)),
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
          props.api.metricIntegrationLatency({
            period: PERIOD,
            statistic: 'p99',
            label: 'integration p99',
          }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Function duration (ms)',
        left: ['p50', 'p90', 'p99'].map((statistic) =>
          props.function.metricDuration({ period: PERIOD, statistic, label: `duration ${statistic}` }),
        ),
        right: [
          props.function.metric('ConcurrentExecutions', {
            period: PERIOD,
            statistic: 'Maximum',
            label: 'concurrency',
          }),
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Cold starts and errors',
        left: [
          custom('ColdStart', {}, 'Sum', 'cold starts'),
          props.function.metricErrors({ period: PERIOD, statistic: 'Sum', label: 'Lambda errors' }),
          props.function.metricThrottles({ period: PERIOD, statistic: 'Sum', label: 'Lambda throttles' }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Refused tokens by reason',
        left: [
          new MathExpression({
            expression: `SEARCH('{${PATS_METRICS.namespace},Service,Reason} MetricName="JwtRejected"', 'Sum', 60)`,
            label: '',
            period: PERIOD,
          }),
        ],
        stacked: true,
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'DynamoDB GetItem',
        left: [
          custom('DynamoDbLatency', {}, 'p50', 'function-side p50 (ms)'),
          custom('DynamoDbLatency', {}, 'p99', 'function-side p99 (ms)'),
          getItemMetric(props.table, 'SuccessfulRequestLatency', {
            period: PERIOD,
            statistic: 'Average',
            label: 'service-side average (ms)',
          }),
        ],
        right: [
          getItemMetric(props.table, 'ThrottledRequests', {
            period: PERIOD,
            statistic: 'Sum',
            label: 'throttled',
          }),
          getItemMetric(props.table, 'SystemErrors', {
            period: PERIOD,
            statistic: 'Sum',
            label: 'system errors',
          }),
        ],
        width: 12,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 12 }),
    );
  }
}
