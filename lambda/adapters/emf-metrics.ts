export type MetricUnit = 'Count' | 'Milliseconds';

/** Where each metric goes: its dimension keys (all low-cardinality) and unit. */
export interface MetricDefinition {
  readonly unit: MetricUnit;
  readonly dimensions: readonly string[];
}

export interface MetricsProps {
  readonly namespace: string;
  /** Dimension values every metric carries (e.g. `Service`). */
  readonly defaultDimensions: Readonly<Record<string, string>>;
  readonly definitions: Readonly<Record<string, MetricDefinition>>;
  /** @default a write of the line to stdout */
  readonly write?: (line: string) => void;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * CloudWatch Embedded Metric Format: metrics written as one JSON log line per invocation, which
 * CloudWatch turns into metrics without any API call on the request path. A small stand-in for
 * Powertools Metrics (same format, a fraction of the bytes, see docs/performance.md). Dimension
 * values must come from fixed sets (outcome codes, reason classes): never ids.
 */
export class EmfMetrics {
  private readonly props: MetricsProps;
  private readonly write: (line: string) => void;
  private readonly now: () => number;
  private values = new Map<string, number[]>();
  private dimensions: Record<string, string> = {};

  constructor(props: MetricsProps) {
    this.props = props;
    this.write = props.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.now = props.now ?? Date.now;
  }

  /** Records a value; a metric's dimensions must be set (with `dimension`) before `flush`. */
  add(name: string, value: number): void {
    if (this.props.definitions[name] === undefined) throw new Error(`unknown metric ${name}`);
    const values = this.values.get(name) ?? [];
    values.push(value);
    this.values.set(name, values);
  }

  dimension(name: string, value: string): void {
    this.dimensions[name] = value;
  }

  /** Writes what was recorded during this invocation as one EMF document, then starts afresh. */
  flush(): void {
    const root: Record<string, unknown> = { ...this.props.defaultDimensions, ...this.dimensions };
    const directives: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit: string }>;
    }> = [];
    for (const [name, values] of this.values) {
      const definition = this.props.definitions[name] as MetricDefinition;
      // A metric whose dimension has no value this time cannot be published correctly: skip it.
      if (!definition.dimensions.every((key) => typeof root[key] === 'string')) continue;
      root[name] = values.length === 1 ? values[0] : values;
      directives.push({
        Namespace: this.props.namespace,
        Dimensions: [[...definition.dimensions]],
        Metrics: [{ Name: name, Unit: definition.unit }],
      });
    }
    this.values = new Map();
    this.dimensions = {};
    if (directives.length === 0) return;
    this.write(JSON.stringify({ _aws: { Timestamp: this.now(), CloudWatchMetrics: directives }, ...root }));
  }
}

/** The service's metrics: names, units and dimensions, shared by the handlers, the alarms and the dashboard. */
export const PATS_METRICS = {
  namespace: 'PatsApi',
  service: 'pats-api',
  definitions: {
    /** One per request, by route and outcome: the success status, the 4xx `code`, or `5xx`. */
    Request: { unit: 'Count', dimensions: ['Service', 'Route', 'Outcome'] },
    /** One per request that paid for a cold start. */
    ColdStart: { unit: 'Count', dimensions: ['Service', 'Route'] },
    /** One per refused token, by reason class (`expired`, `signature`, `pat`, ...). */
    JwtRejected: { unit: 'Count', dimensions: ['Service', 'Reason'] },
    /** Time of each DynamoDB call, retries included. */
    DynamoDbLatency: { unit: 'Milliseconds', dimensions: ['Service', 'Route'] },
    /** One per decision of the credential authorizer: `allow`, `deny` or `error`, by token type. */
    Authorization: { unit: 'Count', dimensions: ['Service', 'Outcome', 'TokenType'] },
    /** One per failed write of a PAT's `lastUsedAt` (the authorization went ahead anyway). */
    LastUsedWriteFailed: { unit: 'Count', dimensions: ['Service'] },
  },
} as const satisfies { namespace: string; service: string; definitions: Record<string, MetricDefinition> };

/** Every outcome a management route can end with (the dashboard stacks them). */
export const OUTCOMES = [
  '200',
  '201',
  '204',
  'unauthorized',
  'invalid_workspace_id',
  'invalid_pat_id',
  'invalid_query',
  'invalid_cursor',
  'unsupported_media_type',
  'payload_too_large',
  'invalid_body',
  'forbidden',
  'not_found',
  'limit_exceeded',
  '5xx',
] as const;
