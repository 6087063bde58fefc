import { ForbiddenError } from './errors';
import type { Principal } from './ports';
import { isUuid } from './uuid';

/**
 * The workspaces a verified token grants, read from its workspace claim. The claim may be a JSON
 * array of strings or one space-separated string (the OAuth `scope` style). Members that are not
 * UUID strings are ignored, and a claim of any other type grants nothing: a malformed grant is a
 * 403 for the caller, never a 401 or a 500.
 */
export function grantedWorkspaces(claim: unknown): ReadonlySet<string> {
  const members: unknown[] = Array.isArray(claim)
    ? claim
    : typeof claim === 'string'
      ? claim.split(/\s+/)
      : [];
  const granted = new Set<string>();
  for (const member of members) {
    if (isUuid(member)) granted.add(member.toLowerCase());
  }
  return granted;
}

/**
 * 403 unless the principal's token grants `workspaceId`. Decided from the token alone, before any
 * read: the answer must not depend on whether the workspace exists.
 */
export function assertGranted(principal: Principal, workspaceId: string, workspaceClaim: string): void {
  if (!grantedWorkspaces(principal.claims[workspaceClaim]).has(workspaceId)) throw new ForbiddenError();
}
