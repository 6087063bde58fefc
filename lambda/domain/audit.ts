import type { PatRecord } from './pat';

/** A write of the audit trail's log line (contract, "Audit"): who did what to which PAT. */
export interface AuditEvent {
  readonly action: 'pat.created' | 'pat.revoked' | 'pat.rotated';
  readonly patId: string;
  /** The PAT that a rotation replaced. */
  readonly replacedPatId?: string;
  readonly tokenPrefix: string;
  readonly expiresAt: string | undefined;
}

/** Every event's `source`: its `detail-type` is the record's action, its `detail` the record. */
export const EVENT_SOURCE = 'pats-api';

export const AUDIT_ACTIONS = [
  'pat.created',
  'pat.rotated',
  'pat.revoked',
  'pat.expiring',
  'pat.expired',
  'pat.removed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const ACTOR_TYPES = ['user', 'system', 'scanner', 'reporter'] as const;

/** Who made a change: a user (the JWT's `sub`), or a named part of the system. */
export interface Actor {
  readonly type: (typeof ACTOR_TYPES)[number];
  readonly subject: string;
}

/** The expiry job, and a create at the limit that removes expired PATs to make room. */
export const EXPIRY_JOB_ACTOR: Actor = { type: 'system', subject: 'expiry-job' };
export const LIMIT_ACTOR: Actor = { type: 'system', subject: 'limit' };

/** The user behind a JWT; a token without `sub` is still someone, named as such. */
export const userActor = (subject: string | undefined): Actor => ({
  type: 'user',
  subject: subject ?? 'unknown',
});

/**
 * One change of a PAT, written in the same transaction as the change (contract, "Audit log and
 * events") and published as an event's `detail`. Exactly these fields: never a token or a hash.
 */
export interface AuditRecord {
  /** UUIDv7: records sort by when they were written. */
  readonly id: string;
  readonly action: AuditAction;
  readonly workspaceId: string;
  /** The PAT acted on (for a rotation, the old one). */
  readonly patId: string;
  readonly name: string;
  readonly tokenPrefix: string;
  readonly actor: Actor;
  readonly occurredAt: string;
  /** `pat.rotated`: the PAT that replaced it. */
  readonly newPatId?: string;
  /** `pat.revoked`: by its owner's workspace, or because it leaked. */
  readonly reason?: 'user' | 'leaked';
  /** `pat.revoked` for a leak: where it was found, when the scanner says. */
  readonly source?: string;
  readonly url?: string;
  /** `pat.expiring`: 7 or 1. */
  readonly daysLeft?: 7 | 1;
}

type Extra = Pick<AuditRecord, 'newPatId' | 'reason' | 'source' | 'url' | 'daysLeft'>;

/** Makes the record of `action` on `pat`, written at `at` (ms), with a new time-ordered id. */
export function auditRecord(
  action: AuditAction,
  pat: Pick<PatRecord, 'workspaceId' | 'id' | 'name' | 'tokenPrefix'>,
  actor: Actor,
  context: { readonly at: number; readonly ids: { next(): string } },
  extra: Extra = {},
): AuditRecord {
  return {
    id: context.ids.next(),
    action,
    workspaceId: pat.workspaceId,
    patId: pat.id,
    name: pat.name,
    tokenPrefix: pat.tokenPrefix,
    actor,
    occurredAt: new Date(context.at).toISOString(),
    ...extra,
  };
}

/** One page of a workspace's audit records, newest first, and whether more follow. */
export interface AuditPage {
  readonly records: readonly AuditRecord[];
  readonly hasMore: boolean;
}

/** The audit records of a workspace, as the audit-log route reads them. */
export interface AuditRecords {
  /**
   * Strongly consistent, newest first, after `afterId` when given; with `patId`, only the records
   * naming that PAT (as `patId` or `newPatId`). A page is never empty while records follow.
   */
  list(
    workspaceId: string,
    options: { limit: number; afterId?: string | undefined; patId?: string | undefined },
  ): Promise<AuditPage>;
}
