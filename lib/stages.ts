import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** Everything that differs between deployment stages, in one typed place. */
export interface StageSettings {
  readonly name: string;
  /** Production stages keep their data when the stack or a resource is deleted. */
  readonly production: boolean;
  /** What happens to the table (and log groups) when they leave the stack. */
  readonly removalPolicy: RemovalPolicy;
  /** CloudFormation refuses to delete the table while this is on. */
  readonly deletionProtection: boolean;
  readonly logRetention: RetentionDays;
  /** Stage-wide API Gateway throttling (requests per second, and burst). */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly memorySize: number;
}

export const STAGES: Readonly<Record<string, StageSettings>> = {
  dev: {
    name: 'dev',
    production: false,
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    logRetention: RetentionDays.ONE_MONTH,
    throttle: { rateLimit: 50, burstLimit: 100 },
    memorySize: 512,
  },
  prod: {
    name: 'prod',
    production: true,
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    logRetention: RetentionDays.ONE_YEAR,
    throttle: { rateLimit: 500, burstLimit: 1000 },
    memorySize: 512,
  },
};
