import { RemovalPolicy } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** When each alarm fires. Every threshold is per 5-minute period unless it says otherwise. */
export interface AlarmThresholds {
  /** Lambda `Errors` (crashes, timeouts: the handler itself answers every request). @default 1 */
  readonly lambdaErrors: number;
  /** Lambda `Throttles` (concurrency exhausted). @default 1 */
  readonly lambdaThrottles: number;
  /** Lambda p99 `Duration` as a share of the function timeout, over 2 of 3 periods. @default 0.8 */
  readonly lambdaP99DurationRatio: number;
  /** API Gateway 5xx as a percentage of requests, over 2 of 3 periods. @default 1 */
  readonly api5xxRatePercent: number;
  /** API Gateway p99 `Latency` in milliseconds, over 2 of 3 periods. @default 1000 */
  readonly apiP99LatencyMs: number;
  /** DynamoDB throttled requests, over every operation the functions use. @default 1 */
  readonly dynamoDbThrottledRequests: number;
  /** DynamoDB system errors (HTTP 500 from DynamoDB), over every operation. @default 1 */
  readonly dynamoDbSystemErrors: number;
}

export const DEFAULT_ALARM_THRESHOLDS: AlarmThresholds = {
  lambdaErrors: 1,
  lambdaThrottles: 1,
  lambdaP99DurationRatio: 0.8,
  api5xxRatePercent: 1,
  apiP99LatencyMs: 1000,
  dynamoDbThrottledRequests: 1,
  dynamoDbSystemErrors: 1,
};

/** Everything that differs between deployment stages, in one typed place. */
export interface StageSettings {
  readonly name: string;
  /** Production stages must keep their data and a month of logs (checked at synth). */
  readonly production: boolean;
  /** What happens to the table (and the log groups) when they leave the stack. */
  readonly removalPolicy: RemovalPolicy;
  /** CloudFormation refuses to delete the table while this is on. */
  readonly deletionProtection: boolean;
  readonly logRetention: RetentionDays;
  /** Stage-wide API Gateway throttling: steady requests per second, and burst. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly memorySize: number;
  /**
   * Concurrency reserved for the API's functions together, each taking its route's share (see
   * `concurrencyShare` in `lib/routes.ts`); a reservation is also a ceiling. It keeps capacity for
   * the API when other functions of the account are busy, and caps what the API can take from them
   * (and how hard a traffic spike hits the issuer and DynamoDB). `prod` reserves 100
   * (docs/operations.md explains the number); `dev` none, since an account must keep 100
   * unreserved and small accounts cannot reserve any. `-c reservedConcurrency=none` turns it off.
   */
  readonly reservedConcurrency: number | undefined;
  readonly alarms: AlarmThresholds;
  /** Where alarm notifications go (an SNS topic with this e-mail subscription); none when unset. */
  readonly alarmEmail: string | undefined;
}

export const STAGES: Readonly<Record<string, StageSettings>> = {
  dev: {
    name: 'dev',
    production: false,
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    logRetention: 30,
    throttle: { rateLimit: 50, burstLimit: 100 },
    memorySize: 512,
    reservedConcurrency: undefined,
    alarms: DEFAULT_ALARM_THRESHOLDS,
    alarmEmail: undefined,
  },
  prod: {
    name: 'prod',
    production: true,
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    logRetention: 365,
    throttle: { rateLimit: 500, burstLimit: 1000 },
    memorySize: 512,
    reservedConcurrency: 100,
    alarms: DEFAULT_ALARM_THRESHOLDS,
    alarmEmail: undefined,
  },
};

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * What a stage may not be, whatever its settings say. Returns one sentence per problem, naming the
 * setting and the context key that changes it.
 */
export function stageProblems(stage: StageSettings, functionTimeoutSeconds: number): string[] {
  const problems: string[] = [];
  const positive = (value: number, what: string) => {
    if (!(Number.isFinite(value) && value > 0))
      problems.push(`${what} must be a positive number (got ${value})`);
  };
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(stage.logRetention)) {
    problems.push(
      `logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')} (got ${stage.logRetention})`,
    );
  }
  if (!Number.isInteger(stage.memorySize) || stage.memorySize < 128 || stage.memorySize > 10_240) {
    problems.push(`memorySize must be a whole number of MB from 128 to 10240 (got ${stage.memorySize})`);
  }
  positive(stage.throttle.rateLimit, 'throttleRateLimit');
  positive(stage.throttle.burstLimit, 'throttleBurstLimit');
  if (Number.isInteger(stage.throttle.burstLimit) === false) {
    problems.push(`throttleBurstLimit must be a whole number (got ${stage.throttle.burstLimit})`);
  }
  if (
    stage.reservedConcurrency !== undefined &&
    !(Number.isInteger(stage.reservedConcurrency) && stage.reservedConcurrency >= 1)
  ) {
    problems.push(
      `reservedConcurrency must be a whole number of at least 1 (got ${stage.reservedConcurrency})`,
    );
  }
  if (stage.alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(stage.alarmEmail)) {
    problems.push(`alarmEmail must be an e-mail address (got "${stage.alarmEmail}")`);
  }
  for (const [name, value] of Object.entries(stage.alarms)) positive(value, `alarm threshold ${name}`);
  if (stage.alarms.lambdaP99DurationRatio >= 1) {
    problems.push(
      `alarm threshold lambdaP99DurationRatio must be below 1: at ${stage.alarms.lambdaP99DurationRatio} of the ${functionTimeoutSeconds} s timeout it could never fire before the timeout does`,
    );
  }
  if (stage.production) {
    if (stage.logRetention < 30) {
      problems.push(
        `stage ${stage.name} keeps logs at least 30 days (got logRetentionDays=${stage.logRetention})`,
      );
    }
    if (stage.removalPolicy !== RemovalPolicy.RETAIN || !stage.deletionProtection) {
      problems.push(
        `stage ${stage.name} must retain its table with deletion protection (got tableRemovalPolicy=destroy)`,
      );
    }
  }
  return problems;
}
