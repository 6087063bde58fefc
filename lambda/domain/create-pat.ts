import { type AuditEvent, auditRecord, LIMIT_ACTOR, userActor } from './audit';
import { LimitExceededError } from './errors';
import { removalOf } from './expiry';
import { type MintingDependencies, mintPat } from './mint-pat';
import { type CreatedPatView, toPatView } from './pat';
import { DAY_MS, type PatPolicy } from './pat-policy';
import type { CreatePatRequest } from './pat-requests';
import type { PatRepository } from './ports';

export interface CreatePatDependencies extends MintingDependencies {
  readonly repository: PatRepository;
  readonly policy: PatPolicy;
}

/**
 * "Create a PAT in a workspace" (the grant is already checked): always with an expiry, within the
 * workspace's limit. The token is returned here and nowhere else.
 */
export async function createPat(
  input: {
    readonly workspaceId: string;
    readonly subject: string | undefined;
    readonly request: CreatePatRequest;
  },
  deps: CreatePatDependencies,
): Promise<{ readonly view: CreatedPatView; readonly audit: AuditEvent }> {
  const { request } = input;
  const now = deps.clock.now();
  const expiresAt =
    request.expiresAt ?? new Date(now + deps.policy.defaultLifetimeDays * DAY_MS).toISOString();
  const { item, token } = mintPat(
    {
      workspaceId: input.workspaceId,
      name: request.name,
      scopes: request.scopes,
      expiresAt,
      createdBy: input.subject,
    },
    now,
    deps,
  );
  const max = deps.policy.maxPerWorkspace;
  // A record made after any removal, so that its id (time-ordered) follows theirs.
  const created = () =>
    auditRecord('pat.created', item, userActor(input.subject), { at: now, ids: deps.ids });
  let outcome = await deps.repository.create(item, max, created());
  // Expired PATs never block a workspace: at the limit, they make room first.
  if (outcome === 'limit_exceeded' && (await makeRoom(input.workspaceId, now, deps)) > 0) {
    outcome = await deps.repository.create(item, max, created());
  }
  if (outcome === 'limit_exceeded') throw new LimitExceededError(max);
  return {
    view: { ...toPatView(item), token },
    audit: {
      action: 'pat.created',
      patId: item.id,
      tokenPrefix: item.tokenPrefix,
      expiresAt: item.expiresAt,
    },
  };
}

/** Removes the workspace's expired PATs, even inside their retention: the limit wins. */
async function makeRoom(workspaceId: string, now: number, deps: CreatePatDependencies): Promise<number> {
  let removed = 0;
  for (const pat of await deps.repository.expired(workspaceId, new Date(now).toISOString())) {
    const removal = removalOf(pat, LIMIT_ACTOR, { at: now, ids: deps.ids });
    if (await deps.repository.remove(pat, removal)) removed += 1;
  }
  return removed;
}
