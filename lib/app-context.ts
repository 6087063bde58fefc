import { RemovalPolicy } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { FUNCTION_TIMEOUT_SECONDS } from './constructs/get-pat-function';
import { STAGES, type StageSettings, stageProblems } from './stages';

/** What the app reads from CDK context (`-c key=value` or cdk.json), validated. */
export interface AppSettings {
  readonly stage: StageSettings;
  readonly jwtIssuer: string;
  readonly jwtAudiences: readonly string[];
  readonly jwksUri: string | undefined;
  readonly workspaceClaim: string;
  /** Browser origins allowed by CORS; empty means CORS is off. */
  readonly corsAllowedOrigins: readonly string[];
  /** Declare the variables `sam local invoke --env-vars` overrides (never for production). */
  readonly localInvoke: boolean;
}

/** A synth or deploy stopped by missing or invalid context; the message says how to fix it. */
export class AppContextError extends Error {
  override readonly name = 'AppContextError';
}

export const EXAMPLE_COMMAND =
  'npx cdk deploy -c jwtIssuer=https://issuer.example.com -c jwtAudience=pats-api';

export function readAppSettings(node: Node): AppSettings {
  const problems: string[] = [];
  const text = (key: string): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    if (value === undefined || value === null) return undefined;
    const trimmed = (Array.isArray(value) ? value.join(',') : String(value)).trim();
    return trimmed === '' ? undefined : trimmed;
  };
  const list = (key: string) =>
    (text(key) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');

  const stageName = text('stage') ?? 'dev';
  const baseStage = STAGES[stageName];
  if (baseStage === undefined) {
    problems.push(`stage must be one of ${Object.keys(STAGES).join(', ')} (got "${stageName}")`);
  }
  const stage = baseStage === undefined ? undefined : withOverrides(baseStage, text, problems);
  if (stage !== undefined) problems.push(...stageProblems(stage, FUNCTION_TIMEOUT_SECONDS));

  const jwtIssuer = text('jwtIssuer');
  const jwtAudiences = list('jwtAudience');
  const missing = [
    jwtIssuer === undefined ? 'jwtIssuer' : undefined,
    jwtAudiences.length === 0 ? 'jwtAudience' : undefined,
  ].filter((key) => key !== undefined);
  if (missing.length > 0) {
    problems.push(
      `missing CDK context ${missing.join(' and ')}: jwtIssuer is the token issuer (its \`iss\`, an https:// URL), jwtAudience the accepted audience(s), comma-separated`,
    );
  }
  if (jwtIssuer !== undefined && !isHttpsUrl(jwtIssuer)) {
    problems.push(
      `jwtIssuer must be an https:// URL: a deployed stage never trusts keys fetched over plain HTTP (got "${jwtIssuer}")`,
    );
  }
  const jwksUri = text('jwksUri');
  if (jwksUri !== undefined && !isHttpsUrl(jwksUri)) {
    problems.push(`jwksUri must be an https:// URL (got "${jwksUri}")`);
  }
  const workspaceClaim = text('workspaceClaim') ?? 'workspaces';
  const corsAllowedOrigins = list('corsAllowedOrigins');
  for (const origin of corsAllowedOrigins) {
    if (!isOrigin(origin)) {
      problems.push(`corsAllowedOrigins must list origins such as https://app.example.com (got "${origin}")`);
    } else if (stage?.production && !origin.startsWith('https://')) {
      problems.push(
        `corsAllowedOrigins of stage ${stage.name} must be https:// origins: a page served over plain HTTP can be altered on the way (got "${origin}")`,
      );
    }
  }

  const localInvoke = text('localInvoke') === 'true';
  if (localInvoke && stage?.production) {
    problems.push('localInvoke is for `sam local invoke` only and cannot be used with a production stage');
  }

  if (problems.length > 0 || stage === undefined || jwtIssuer === undefined) {
    throw new AppContextError(
      `Cannot synthesize the PATs API:\n  - ${problems.join('\n  - ')}\nFor example:\n  ${EXAMPLE_COMMAND}`,
    );
  }
  return { stage, jwtIssuer, jwtAudiences, jwksUri, workspaceClaim, corsAllowedOrigins, localInvoke };
}

/**
 * A stage's settings with what the context overrides (`-c memorySize=1024`, `-c alarmEmail=...`).
 * The result is checked as a whole afterwards, so an override cannot break a stage's rules.
 */
function withOverrides(
  stage: StageSettings,
  text: (key: string) => string | undefined,
  problems: string[],
): StageSettings {
  const number = (key: string): number | undefined => {
    const value = text(key);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) problems.push(`${key} must be a number (got "${value}")`);
    return parsed;
  };
  const removal = text('tableRemovalPolicy');
  if (removal !== undefined && removal !== 'retain' && removal !== 'destroy') {
    problems.push(`tableRemovalPolicy must be retain or destroy (got "${removal}")`);
  }
  const retention = number('logRetentionDays');
  // `none` turns a stage's default reservation off (accounts whose concurrency quota is too small).
  const reservedText = text('reservedConcurrency');
  const reserved = reservedText === 'none' ? undefined : number('reservedConcurrency');
  return {
    ...stage,
    ...(retention !== undefined ? { logRetention: retention as RetentionDays } : {}),
    memorySize: number('memorySize') ?? stage.memorySize,
    throttle: {
      rateLimit: number('throttleRateLimit') ?? stage.throttle.rateLimit,
      burstLimit: number('throttleBurstLimit') ?? stage.throttle.burstLimit,
    },
    reservedConcurrency: reservedText === 'none' ? undefined : (reserved ?? stage.reservedConcurrency),
    alarmEmail: text('alarmEmail') ?? stage.alarmEmail,
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
