import { type AuditEvent, auditRecord, userActor } from './audit';
import { PatExpiredError, PatNotFoundError, ScopesRetiredError } from './errors';
import { type MintingDependencies, mintPat } from './mint-pat';
import { type CreatedPatView, type PatRecord, toPatView } from './pat';
import { DAY_MS, MIN_LIFETIME_MS, type PatPolicy } from './pat-policy';
import type { RotatePatRequest } from './pat-requests';
import type { PatRepository } from './ports';

export interface RotatePatDependencies extends MintingDependencies {
  readonly repository: PatRepository;
  readonly policy: PatPolicy;
}

/**
 * "Replace a PAT by a new one with the same name and scopes" (the grant is already checked). The
 * new PAT is stored and the old one deleted in one transaction, on condition the old one still
 * exists: of two concurrent rotations exactly one wins, and the other is a 404.
 */
export async function rotatePat(
  input: {
    readonly workspaceId: string;
    readonly patId: string;
    readonly subject: string | undefined;
    readonly request: RotatePatRequest;
  },
  deps: RotatePatDependencies,
): Promise<{ readonly view: CreatedPatView; readonly audit: AuditEvent }> {
  const old = await deps.repository.findById(input.workspaceId, input.patId);
  if (old === undefined) throw new PatNotFoundError();
  const now = deps.clock.now();
  // Rotation must not revive a PAT that has stopped working, nor carry over a retired scope. A PAT
  // from before expiries were required has none, and may be rotated into one that has.
  if (old.expiresAt !== undefined && !(Date.parse(old.expiresAt) > now)) throw new PatExpiredError();
  const scopes = old.scopes.filter((scope) => deps.policy.scopes.includes(scope));
  if (scopes.length === 0) throw new ScopesRetiredError();
  const expiresAt = input.request.expiresAt ?? new Date(now + keptLifetimeMs(old, deps.policy)).toISOString();
  const { item, token } = mintPat(
    { workspaceId: old.workspaceId, name: old.name, scopes, expiresAt, createdBy: input.subject },
    now,
    deps,
  );
  // One record, naming the old PAT (its name, its prefix) and the new one's id.
  const record = auditRecord(
    'pat.rotated',
    old,
    userActor(input.subject),
    { at: now, ids: deps.ids },
    {
      newPatId: item.id,
    },
  );
  if ((await deps.repository.replace(old, item, record)) === 'not_found') throw new PatNotFoundError();
  return {
    view: { ...toPatView(item), token },
    audit: {
      action: 'pat.rotated',
      patId: item.id,
      replacedPatId: old.id,
      tokenPrefix: item.tokenPrefix,
      expiresAt: item.expiresAt,
    },
  };
}

/**
 * The old PAT's lifetime, kept for its successor, between an hour and the maximum. A PAT from
 * before expiries were required has no lifetime to keep: its successor gets the maximum.
 */
function keptLifetimeMs(old: PatRecord, policy: PatPolicy): number {
  const max = policy.maxLifetimeDays * DAY_MS;
  // Without `expiresAt`, `Date.parse('undefined')` is NaN: the maximum, like any unreadable date.
  const lifetime = Date.parse(String(old.expiresAt)) - Date.parse(old.createdAt);
  return Number.isFinite(lifetime) ? Math.min(Math.max(lifetime, MIN_LIFETIME_MS), max) : max;
}
