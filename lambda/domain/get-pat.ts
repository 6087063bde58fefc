import { ForbiddenError, InvalidPatIdError, InvalidWorkspaceIdError, PatNotFoundError } from './errors';
import { type PatView, toPatView } from './pat';
import type { Authenticator, PatRepository } from './ports';
import { normaliseUuid } from './uuid';
import { grantedWorkspaces } from './workspace-grant';

export interface GetPatInput {
  readonly authorization: string | undefined;
  readonly workspaceId: string | undefined;
  readonly patId: string | undefined;
}

/**
 * What the request turned out to be about, filled in as each check passes, so the audit line can
 * say who asked for what even when a later check refuses the request. Only verified or
 * normalised values are recorded: never raw header text.
 */
export interface AuditTrail {
  subject?: string;
  workspaceId?: string;
  patId?: string;
}

export interface GetPatDependencies {
  readonly authenticator: Authenticator;
  readonly repository: PatRepository;
  /** The claim listing the workspaces a user may act in. */
  readonly workspaceClaim: string;
}

/**
 * The use case: "return a PAT's metadata to a member of its workspace". The checks run in the
 * contract's order (credentials, workspace header, PAT id, grant, lookup), so a request that
 * fails several gets the same answer everywhere.
 */
export async function getPat(
  input: GetPatInput,
  deps: GetPatDependencies,
  trail: AuditTrail = {},
): Promise<PatView> {
  const principal = await deps.authenticator.authenticate(input.authorization);
  if (principal.subject !== undefined) trail.subject = principal.subject;

  const workspaceId = normaliseUuid(input.workspaceId);
  if (workspaceId === undefined) throw new InvalidWorkspaceIdError();
  trail.workspaceId = workspaceId;

  const patId = normaliseUuid(input.patId);
  if (patId === undefined) throw new InvalidPatIdError();
  trail.patId = patId;

  // Decided from the token alone, before any read: the answer must not depend on whether the
  // workspace exists.
  if (!grantedWorkspaces(principal.claims[deps.workspaceClaim]).has(workspaceId)) {
    throw new ForbiddenError();
  }

  const record = await deps.repository.findById(workspaceId, patId);
  if (record === undefined) throw new PatNotFoundError();
  return toPatView(record);
}
