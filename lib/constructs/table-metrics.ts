import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';

/** A DynamoDB metric of the table's `GetItem` operation (the only one the function uses). */
export function getItemMetric(
  table: ITable,
  metricName: 'ThrottledRequests' | 'SystemErrors' | 'SuccessfulRequestLatency',
  options: { statistic: string; period?: Duration; label?: string },
): Metric {
  return new Metric({
    namespace: 'AWS/DynamoDB',
    metricName,
    dimensionsMap: { TableName: table.tableName, Operation: 'GetItem' },
    statistic: options.statistic,
    period: options.period ?? Duration.minutes(5),
    ...(options.label !== undefined ? { label: options.label } : {}),
  });
}
