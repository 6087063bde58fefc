import { createPat } from '../lambda/domain/create-pat';
import { LimitExceededError } from '../lambda/domain/errors';
import type { PatRouteDependencies } from '../lambda/http/routes/pat-routes';

/**
 * Fixed ids, so the demo workspace and PATs are the same on every start and in `events/`. They are
 * UUIDv7 of mid-2024, so the demo PATs sort as the oldest of the workspace. The PAT id and the
 * workspace are those of the contract's token test vector.
 */
export const DEMO = {
  workspaceId: 'c0ffee00-0000-4000-8000-000000000001',
  patId: '01936d3a-7c00-7000-8000-0000000000a1',
  /** A PAT for the revoke sample event (`events/revoke-pat-204.json`). */
  revocablePatId: '01936d3a-7c00-7000-8000-0000000000a2',
  /** A PAT for the rotate sample event (`events/rotate-pat-201.json`). */
  rotatablePatId: '01936d3a-7c00-7000-8000-0000000000a3',
  subject: 'demo-user',
} as const;

const DEMO_PATS = [
  { id: DEMO.patId, name: 'Demo PAT' },
  { id: DEMO.revocablePatId, name: 'Demo PAT to revoke (sample event)' },
  { id: DEMO.rotatablePatId, name: 'Demo PAT to rotate (sample event)' },
] as const;

/**
 * Creates the demo PATs that do not exist yet, through the same use case as
 * `POST /api/v1/pats` (only the id is fixed), as far as `PAT_MAX_PER_WORKSPACE` allows. Returns
 * the demo PAT's token when it was just created: like any token, it is shown once.
 */
export async function seedDemo(deps: PatRouteDependencies): Promise<string | undefined> {
  let demoToken: string | undefined;
  for (const pat of DEMO_PATS) {
    if ((await deps.repository.findById(DEMO.workspaceId, pat.id)) !== undefined) continue;
    try {
      const { view } = await createPat(
        {
          workspaceId: DEMO.workspaceId,
          subject: DEMO.subject,
          request: { name: pat.name, scopes: deps.policy.scopes, expiresAt: undefined },
        },
        { ...deps, ids: { next: () => pat.id } },
      );
      if (pat.id === DEMO.patId) demoToken = view.token;
    } catch (error) {
      // A workspace limit smaller than the demo: the demo makes do with fewer PATs.
      if (error instanceof LimitExceededError) break;
      throw error;
    }
  }
  return demoToken;
}
