import { createHash, randomBytes, randomUUID } from 'node:crypto';

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
