import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPat } from '../lambda/domain/create-pat';
import { LimitExceededError, PatNotFoundError } from '../lambda/domain/errors';
import type { PatCredentials } from '../lambda/domain/ports';
import { revokePat } from '../lambda/domain/revoke-pat';
import { hashPatToken, parsePatToken } from '../lambda/domain/token-format';
import type { PatRouteDependencies } from '../lambda/routes/management';

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
 * Creates the missing demo PATs through the create use case (only the id is fixed), as far as the
 * workspace limit allows. The caller keeps the demo PAT's token, which no one can read back: when
 * it no longer opens the PAT, the PAT is minted again under its id. Returns the working token.
 */
export async function seedDemo(
  deps: PatRouteDependencies,
  options: { readonly credentials: PatCredentials; readonly savedToken: string | undefined },
): Promise<string | undefined> {
  let demoToken: string | undefined;
  if (await opens(options.savedToken, options.credentials, deps.clock.now())) {
    demoToken = options.savedToken;
  } else {
    // Its token is lost: revoke it (with its record, as any revoke) and mint it again below.
    await revokePat({ workspaceId: DEMO.workspaceId, patId: DEMO.patId, subject: DEMO.subject }, deps).catch(
      (error: unknown) => {
        if (!(error instanceof PatNotFoundError)) throw error;
      },
    );
  }
  for (const pat of DEMO_PATS) {
    if ((await deps.repository.findById(DEMO.workspaceId, pat.id)) !== undefined) continue;
    try {
      const { view } = await createPat(
        {
          workspaceId: DEMO.workspaceId,
          subject: DEMO.subject,
          request: { name: pat.name, scopes: deps.policy.scopes, expiresAt: undefined },
        },
        { ...deps, ids: fixedFirst(pat.id, deps.ids) },
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

/** Ids whose first is `id` (the PAT's, which minting asks for first) and the rest new (its records'). */
function fixedFirst(id: string, ids: { next(): string }) {
  let used = false;
  return {
    next: () => {
      if (used) return ids.next();
      used = true;
      return id;
    },
  };
}

/** Whether `token` is the demo PAT's current, unexpired token (the check the authorizer makes). */
async function opens(token: string | undefined, credentials: PatCredentials, now: number): Promise<boolean> {
  if (token === undefined) return false;
  const locator = parsePatToken(token);
  if (locator?.workspaceId !== DEMO.workspaceId || locator.id !== DEMO.patId) return false;
  const stored = await credentials.findCredential(DEMO.workspaceId, DEMO.patId);
  return (
    stored !== undefined &&
    stored.tokenHash === hashPatToken(token) &&
    stored.expiresAt !== undefined &&
    Date.parse(stored.expiresAt) > now
  );
}

/** Where `npm start` keeps the demo PAT's token between starts. */
export const demoPatFile = (dataDir: string) => join(dataDir, 'demo-pat.json');

/** The demo PAT's token saved by an earlier start, if any (a file the user may delete or edit). */
export function readDemoPat(dataDir: string): string | undefined {
  const file = demoPatFile(dataDir);
  if (!existsSync(file)) return undefined;
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { token?: unknown };
    return typeof saved.token === 'string' ? saved.token : undefined;
  } catch {
    return undefined; // unreadable: a new demo PAT replaces it
  }
}

/** Keeps the demo PAT's token for the next start, readable by its owner only, like the dev key. */
export function saveDemoPat(dataDir: string, token: string): void {
  mkdirSync(dataDir, { recursive: true });
  const file = demoPatFile(dataDir);
  writeFileSync(file, `${JSON.stringify({ id: DEMO.patId, token }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}
