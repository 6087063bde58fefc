import type { Sink } from './harness';

/**
 * The Embedded Metric Format documents written to `sink` from line `before` on, with what changes
 * from run to run made comparable: the timestamp (checked to be a number) and the type of the
 * DynamoDB latency value, so tests compare them with the literal documents CloudWatch must receive.
 */
export function emfDocuments(sink: Sink, before = 0) {
  return sink
    .records()
    .slice(before)
    .filter((record) => '_aws' in record)
    .map((document) => {
      const { _aws, DynamoDbLatency, ...rest } = document as {
        _aws: { Timestamp: unknown };
        DynamoDbLatency?: unknown;
      };
      expect(_aws.Timestamp).toEqual(expect.any(Number));
      return {
        ...rest,
        _aws: { ..._aws, Timestamp: 'T' },
        ...(DynamoDbLatency !== undefined ? { DynamoDbLatency: typeof DynamoDbLatency } : {}),
      };
    });
}

/** One CloudWatchMetrics directive of a document, in the PatsApi namespace. */
export const emfDirective = (dimensions: string[], name: string, unit: 'Count' | 'Milliseconds') => ({
  Namespace: 'PatsApi',
  Dimensions: [dimensions],
  Metrics: [{ Name: name, Unit: unit }],
});
