import { RemovalPolicy } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import type { JwtSettings, PatPolicy } from '../lambda/config';
import { AUDIT, EXPIRY, GATEWAY, JWT, PAT_POLICY } from '../lambda/config/schema';
import { readGroups, SettingsReader, type ValuesOf } from '../lambda/config/setting';
import { FUNCTION_TIMEOUT_SECONDS } from './constructs/route-function';
import { STAGES, type StageSettings, stageProblems } from './stages';

/** What the app reads from CDK context (`-c key=value` or cdk.json), validated. */
export interface AppSettings {
  readonly stage: StageSettings;
  /** The JWT rules (`jwtIssuer`, `jwtAudience`, `jwksUri`, `workspaceClaim`), as the functions read them. */
  readonly jwt: JwtSettings;
  /** The rules of new PATs (`patScopes`, `patDefaultLifetimeDays`, `patMaxLifetimeDays`, `patMaxPerWorkspace`). */
  readonly patPolicy: PatPolicy;
  /** CORS origins and the credential authorizer's cache (`corsAllowedOrigins`, `authorizerCacheSeconds`). */
  readonly gateway: ValuesOf<typeof GATEWAY.settings>;
  /** How long records are kept (`auditRetentionDays`); the table name comes from the stack. */
  readonly audit: ValuesOf<typeof AUDIT.settings>;
  /** How long expired PATs stay listed (`patExpiredRetentionDays`). */
  readonly expiry: ValuesOf<typeof EXPIRY.settings>;
  /** Where `pat.expiring` is e-mailed (`notificationEmail`); none by default. */
  readonly notificationEmail: string | undefined;
  /** Declare the variables `sam local invoke --env-vars` overrides (never for production). */
  readonly localInvoke: boolean;
}

/** The settings groups the context may set. */
export const CONTEXT_SETTINGS = {
  jwt: JWT,
  patPolicy: PAT_POLICY,
  gateway: GATEWAY,
  audit: AUDIT,
  expiry: EXPIRY,
};

/** A synth or deploy stopped by missing or invalid context; the message says how to fix it. */
export class AppContextError extends Error {
  override readonly name = 'AppContextError';
}

export const EXAMPLE_COMMAND =
  'npx cdk deploy -c jwtIssuer=https://issuer.example.com -c jwtAudience=pats-api';

export function readAppSettings(node: Node): AppSettings {
  const reader = new SettingsReader((key) => node.tryGetContext(key), { collectMissing: true });

  const stageName = reader.optional('stage') ?? 'dev';
  const baseStage = STAGES[stageName];
  if (baseStage === undefined) {
    reader.problem(`stage must be one of ${Object.keys(STAGES).join(', ')} (got "${stageName}")`);
  }
  const stage = baseStage === undefined ? undefined : withOverrides(baseStage, reader);
  if (stage !== undefined)
    for (const problem of stageProblems(stage, FUNCTION_TIMEOUT_SECONDS)) reader.problem(problem);

  // A deployed function fetches keys over https only, so the context is checked by that rule.
  const settings = readGroups(CONTEXT_SETTINGS, {
    reader,
    source: 'context',
    urlPolicy: { runtime: 'lambda' },
  });
  if (reader.missing.length > 0) {
    reader.problem(
      `missing CDK context ${reader.missing.map(({ name }) => name).join(' and ')}: ${reader.missing
        .map(({ name, meaning }) => `${name} is ${meaning}`)
        .join('; ')}`,
    );
  }
  if (stage?.production) {
    for (const origin of settings.gateway.corsAllowedOrigins.filter(
      (candidate) => !candidate.startsWith('https://'),
    )) {
      reader.problem(
        `corsAllowedOrigins of stage ${stage.name} must be https:// origins: a page served over plain HTTP can be altered on the way (got "${origin}")`,
      );
    }
  }

  const notificationEmail = reader.optional('notificationEmail');
  if (notificationEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(notificationEmail)) {
    reader.problem(`notificationEmail must be an e-mail address (got "${notificationEmail}")`);
  }

  const localInvoke = reader.optional('localInvoke') === 'true';
  if (localInvoke && stage?.production) {
    reader.problem('localInvoke is for `sam local invoke` only and cannot be used with a production stage');
  }

  if (reader.problems.length > 0 || stage === undefined) {
    throw new AppContextError(
      `Cannot synthesize the PATs API:\n  - ${reader.problems.join('\n  - ')}\nFor example:\n  ${EXAMPLE_COMMAND}`,
    );
  }
  return { stage, ...settings, notificationEmail, localInvoke };
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
