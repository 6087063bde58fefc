import { RemovalPolicy } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import type { PatPolicy } from '../lambda/domain/pat-policy';
import { DEFAULTS, PAT_LIMITS, readPatPolicy, SettingsReader } from '../lambda/settings';
import { FUNCTION_TIMEOUT_SECONDS } from './constructs/route-function';
import { STAGES, type StageSettings, stageProblems } from './stages';

/** What the app reads from CDK context (`-c key=value` or cdk.json), validated. */
export interface AppSettings {
  readonly stage: StageSettings;
  readonly jwtIssuer: string;
  readonly jwtAudiences: readonly string[];
  readonly jwksUri: string | undefined;
  readonly workspaceClaim: string;
  /** The rules of new PATs (`patScopes`, `patDefaultLifetimeDays`, `patMaxLifetimeDays`, `patMaxPerWorkspace`). */
  readonly patPolicy: PatPolicy;
  /** Browser origins allowed by CORS; empty means CORS is off. */
  readonly corsAllowedOrigins: readonly string[];
  /** How long API Gateway caches the credential authorizer's answers (0: off); also the revocation latency of PAT-accepting routes. */
  readonly authorizerCacheSeconds: number;
  /** Declare the variables `sam local invoke --env-vars` overrides (never for production). */
  readonly localInvoke: boolean;
}

/** A synth or deploy stopped by missing or invalid context; the message says how to fix it. */
export class AppContextError extends Error {
  override readonly name = 'AppContextError';
}

export const EXAMPLE_COMMAND =
  'npx cdk deploy -c jwtIssuer=https://issuer.example.com -c jwtAudience=pats-api';

/** The context keys of the PAT rules (the functions read them as PAT_* variables). */
export const PAT_CONTEXT_KEYS = {
  scopes: 'patScopes',
  defaultLifetimeDays: 'patDefaultLifetimeDays',
  maxLifetimeDays: 'patMaxLifetimeDays',
  maxPerWorkspace: 'patMaxPerWorkspace',
} as const;

export function readAppSettings(node: Node): AppSettings {
  const read = new SettingsReader((key) => node.tryGetContext(key));

  const stageName = read.optional('stage') ?? 'dev';
  const baseStage = STAGES[stageName];
  if (baseStage === undefined) {
    read.problem(`stage must be one of ${Object.keys(STAGES).join(', ')} (got "${stageName}")`);
  }
  const stage = baseStage === undefined ? undefined : withOverrides(baseStage, read);
  if (stage !== undefined)
    for (const problem of stageProblems(stage, FUNCTION_TIMEOUT_SECONDS)) read.problem(problem);

  const jwtIssuer = read.optional('jwtIssuer');
  const jwtAudiences = read.list('jwtAudience');
  const missing = [
    jwtIssuer === undefined ? 'jwtIssuer' : undefined,
    jwtAudiences.length === 0 ? 'jwtAudience' : undefined,
  ].filter((key) => key !== undefined);
  if (missing.length > 0) {
    read.problem(
      `missing CDK context ${missing.join(' and ')}: jwtIssuer is the token issuer (its \`iss\`, an https:// URL), jwtAudience this API's audience(s), comma-separated`,
    );
  }
  if (jwtIssuer !== undefined && !isHttpsUrl(jwtIssuer)) {
    read.problem(
      `jwtIssuer must be an https:// URL: a deployed stage never trusts keys fetched over plain HTTP (got "${jwtIssuer}")`,
    );
  }
  const jwksUri = read.optional('jwksUri');
  if (jwksUri !== undefined && !isHttpsUrl(jwksUri))
    read.problem(`jwksUri must be an https:// URL (got "${jwksUri}")`);
  const workspaceClaim = read.optional('workspaceClaim') ?? DEFAULTS.workspaceClaim;
  const patPolicy = readPatPolicy(read, PAT_CONTEXT_KEYS);
  const authorizerCacheSeconds = read.integer(
    'authorizerCacheSeconds',
    DEFAULTS.authorizerCacheSeconds,
    0,
    PAT_LIMITS.maxAuthorizerCacheSeconds,
  );
  const corsAllowedOrigins = read.list('corsAllowedOrigins');
  for (const origin of corsAllowedOrigins) {
    if (!isOrigin(origin)) {
      read.problem(`corsAllowedOrigins must list origins such as https://app.example.com (got "${origin}")`);
    } else if (stage?.production && !origin.startsWith('https://')) {
      read.problem(
        `corsAllowedOrigins of stage ${stage.name} must be https:// origins: a page served over plain HTTP can be altered on the way (got "${origin}")`,
      );
    }
  }

  const localInvoke = read.optional('localInvoke') === 'true';
  if (localInvoke && stage?.production) {
    read.problem('localInvoke is for `sam local invoke` only and cannot be used with a production stage');
  }

  if (read.problems.length > 0 || stage === undefined || jwtIssuer === undefined) {
    throw new AppContextError(
      `Cannot synthesize the PATs API:\n  - ${read.problems.join('\n  - ')}\nFor example:\n  ${EXAMPLE_COMMAND}`,
    );
  }
  return {
    stage,
    jwtIssuer,
    jwtAudiences,
    jwksUri,
    workspaceClaim,
    patPolicy,
    corsAllowedOrigins,
    authorizerCacheSeconds,
    localInvoke,
  };
}

/**
 * A stage's settings with what the context overrides (`-c memorySize=1024`, `-c alarmEmail=...`).
 * The result is checked as a whole afterwards, so an override cannot break a stage's rules.
 */
function withOverrides(stage: StageSettings, read: SettingsReader): StageSettings {
  const number = (key: string): number | undefined => {
    const value = read.optional(key);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) read.problem(`${key} must be a number (got "${value}")`);
    return parsed;
  };
  const removal = read.optional('tableRemovalPolicy');
  if (removal !== undefined && removal !== 'retain' && removal !== 'destroy') {
    read.problem(`tableRemovalPolicy must be retain or destroy (got "${removal}")`);
  }
  const retention = number('logRetentionDays');
  // `none` turns a stage's default reservation off (accounts whose concurrency quota is too small).
  const reservedOff = read.optional('reservedConcurrency') === 'none';
  const reserved = reservedOff ? undefined : number('reservedConcurrency');
  return {
    ...stage,
    ...(retention !== undefined ? { logRetention: retention as RetentionDays } : {}),
    memorySize: number('memorySize') ?? stage.memorySize,
    throttle: {
      rateLimit: number('throttleRateLimit') ?? stage.throttle.rateLimit,
      burstLimit: number('throttleBurstLimit') ?? stage.throttle.burstLimit,
    },
    reservedConcurrency: reservedOff ? undefined : (reserved ?? stage.reservedConcurrency),
    alarmEmail: read.optional('alarmEmail') ?? stage.alarmEmail,
    ...(removal === 'destroy' ? { removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false } : {}),
    ...(removal === 'retain' ? { removalPolicy: RemovalPolicy.RETAIN, deletionProtection: true } : {}),
  };
}

function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/** A browser origin: scheme, host and optional port, nothing else (no wildcard, no path). */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}
