import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { formatPatToken, hashPatToken } from '../../lambda/domain/token-format';

/**
 * A PAT item written straight into the table, as a PAT from before the token format (`pat_` +
 * random characters, no locator) was stored, with its secret (which is never stored). For what
 * the API cannot create: legacy PATs, items without an expiry, broken items.
 */
export function legacyPatItem(workspaceId: string, overrides: Record<string, unknown> = {}) {
  const secret = `pat_${randomBytes(24).toString('base64url').replace(/[-_]/g, 'x')}`;
  return {
    secret,
    item: {
      workspaceId,
      id: randomUUID(),
      name: 'CI deploy token',
      scopes: ['read', 'write'],
      tokenPrefix: secret.slice(0, 12),
      tokenHash: createHash('sha256').update(secret).digest('hex'),
      createdAt: '2026-01-02T03:04:05.000Z',
      createdBy: 'user-1',
      ...overrides,
    } as Record<string, unknown> & { id: string; workspaceId: string; tokenHash: string },
  };
}

/**
 * A PAT item in the token format, written straight into the table with its token: for what the
 * API refuses to create (an expiry in the past) or cannot create (a chosen id).
 */
export function formattedPatItem(workspaceId: string, overrides: Record<string, unknown> = {}) {
  const id = (overrides.id as string | undefined) ?? randomUUID();
  const token = formatPatToken(new Uint8Array(randomBytes(32)), { workspaceId, id });
  return {
    token,
    item: {
      workspaceId,
      id,
      name: 'written directly',
      scopes: ['read'],
      tokenPrefix: token.slice(0, 12),
      tokenHash: hashPatToken(token),
      createdAt: '2026-01-02T03:04:05.000Z',
      expiresAt: '2099-01-01T00:00:00.000Z',
      createdBy: 'user-1',
      ...overrides,
    },
  };
}
