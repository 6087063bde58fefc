import { type Actor, type AuditRecord, auditRecord } from './audit';
import type { PatRecord } from './pat';
import { DAY_MS } from './pat-policy';

/**
 * What the expiry job and a create at the limit decide about a PAT near or past its expiry
 * (contract, "Audit log and events"). Each notice is marked on the PAT with the expiry it was
 * given for, so it is written at most once per PAT and threshold, and a PAT whose `expiresAt`
 * changed (an operator's fix, a restore) is judged again by its new expiry.
 */
export interface ExpiringPat extends Pick<PatRecord, 'workspaceId' | 'id' | 'name' | 'tokenPrefix'> {
  readonly expiresAt: string;
  /** The notices already given: `<threshold>@<expiresAt>`. */
  readonly notices: readonly string[];
}

export type Threshold = 'expiring7' | 'expiring1' | 'expired';

/** The mark of a notice, tied to the expiry it announced. */
export const noticeMark = (threshold: Threshold, expiresAt: string) => `${threshold}@${expiresAt}`;

/** How far ahead `pat.expiring` is announced: the job looks this far. */
export const NOTICE_DAYS = 7;

interface Context {
  readonly at: number;
  readonly ids: { next(): string };
}

/** A removal and its records: `pat.expired` first when it was never announced, then `pat.removed`. */
export interface Removal {
  readonly records: readonly AuditRecord[];
  /** When this removal writes `pat.expired`: the mark that must still be absent. */
  readonly unannounced: string | undefined;
}

export type ExpiryStep =
  | { readonly kind: 'none' }
  | { readonly kind: 'notify'; readonly mark: string; readonly record: AuditRecord }
  | ({ readonly kind: 'remove' } & Removal);

/** The removal of an expired PAT by `actor`, announcing its expiry first if that never happened. */
export function removalOf(pat: ExpiringPat, actor: Actor, context: Context): Removal {
  const expired = noticeMark('expired', pat.expiresAt);
  const announce = !pat.notices.includes(expired);
  return {
    records: [
      ...(announce ? [auditRecord('pat.expired', pat, actor, context)] : []),
      auditRecord('pat.removed', pat, actor, context),
    ],
    unannounced: announce ? expired : undefined,
  };
}

/**
 * The job's next step for `pat` at `context.at`: remove it once its retention is over, else give
 * the one notice its time calls for unless given already. A PAT first seen inside the 1-day
 * window gets only that notice, and one first seen expired only `pat.expired`.
 */
export function expiryStep(
  pat: ExpiringPat,
  retentionDays: number,
  actor: Actor,
  context: Context,
): ExpiryStep {
  const expiresAt = Date.parse(pat.expiresAt);
  if (Number.isNaN(expiresAt)) return { kind: 'none' };
  const left = expiresAt - context.at;
  if (left <= -retentionDays * DAY_MS) return { kind: 'remove', ...removalOf(pat, actor, context) };
  const given = (threshold: Threshold) => pat.notices.includes(noticeMark(threshold, pat.expiresAt));
  const notify = (threshold: Threshold, record: AuditRecord): ExpiryStep => ({
    kind: 'notify',
    mark: noticeMark(threshold, pat.expiresAt),
    record,
  });
  if (left <= 0) {
    return given('expired')
      ? { kind: 'none' }
      : notify('expired', auditRecord('pat.expired', pat, actor, context));
  }
  if (left <= DAY_MS) {
    return given('expiring1')
      ? { kind: 'none' }
      : notify('expiring1', auditRecord('pat.expiring', pat, actor, context, { daysLeft: 1 }));
  }
  if (left <= NOTICE_DAYS * DAY_MS && !given('expiring7') && !given('expiring1')) {
    return notify('expiring7', auditRecord('pat.expiring', pat, actor, context, { daysLeft: 7 }));
  }
  return { kind: 'none' };
}
