import { EXPIRY_JOB_ACTOR } from './audit';
import { type ExpiringPat, expiryStep, NOTICE_DAYS } from './expiry';
import { DAY_MS } from './pat-policy';
import type { Clock, ExpiryStore } from './ports';

export interface ExpiryJobDependencies {
  readonly store: ExpiryStore;
  readonly clock: Clock;
  readonly ids: { next(): string };
  /** Days an expired PAT stays listed before the job removes it. */
  readonly expiredRetentionDays: number;
  /** PATs handled at once. @default 8 */
  readonly concurrency?: number;
}

/** What one run did: written steps by kind, and those another writer got to first. */
export interface ExpiryJobSummary {
  seen: number;
  expiring7: number;
  expiring1: number;
  expired: number;
  removed: number;
  /** A condition failed: the PAT changed, went away, or another run wrote first. */
  skipped: number;
}

/**
 * "Announce expiries and remove what has expired long enough": every PAT due within the notice
 * window gets the step its time calls for, each written with its record in one conditional
 * transaction. Runs may overlap or repeat: a step written once is never written again.
 */
export async function runExpiryJob(deps: ExpiryJobDependencies): Promise<ExpiryJobSummary> {
  const summary: ExpiryJobSummary = {
    seen: 0,
    expiring7: 0,
    expiring1: 0,
    expired: 0,
    removed: 0,
    skipped: 0,
  };
  await deps.store.prepare();
  const until = new Date(deps.clock.now() + NOTICE_DAYS * DAY_MS).toISOString();
  for await (const page of deps.store.due(until)) {
    summary.seen += page.length;
    await eachAtMost(deps.concurrency ?? 8, page, async (pat) => {
      const outcome = await step(pat, deps);
      if (outcome !== undefined) summary[outcome] += 1;
    });
  }
  return summary;
}

async function step(
  pat: ExpiringPat,
  deps: ExpiryJobDependencies,
): Promise<keyof Omit<ExpiryJobSummary, 'seen'> | undefined> {
  const next = expiryStep(pat, deps.expiredRetentionDays, EXPIRY_JOB_ACTOR, {
    at: deps.clock.now(),
    ids: deps.ids,
  });
  switch (next.kind) {
    case 'none':
      return undefined;
    case 'remove':
      return (await deps.store.remove(pat, next)) ? 'removed' : 'skipped';
    case 'notify': {
      if (!(await deps.store.notify(pat, next.mark, next.record))) return 'skipped';
      if (next.record.action === 'pat.expired') return 'expired';
      return next.record.daysLeft === 1 ? 'expiring1' : 'expiring7';
    }
  }
}

/** Runs `task` over `items`, at most `limit` at a time. */
async function eachAtMost<T>(limit: number, items: readonly T[], task: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
