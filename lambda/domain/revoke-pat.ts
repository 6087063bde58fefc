import type { AuditEvent } from './audit';
import { PatNotFoundError } from './errors';
import type { PatRepository } from './ports';

/** "Revoke a PAT": it stops working and disappears (the grant is already checked). */
export async function revokePat(
  input: { readonly workspaceId: string; readonly patId: string },
  deps: { readonly repository: PatRepository },
): Promise<{ readonly audit: AuditEvent }> {
  const deleted = await deps.repository.delete(input.workspaceId, input.patId);
  if (deleted === undefined) throw new PatNotFoundError();
  return {
    audit: {
      action: 'pat.revoked',
      patId: deleted.id,
      tokenPrefix: deleted.tokenPrefix,
      expiresAt: deleted.expiresAt,
    },
  };
}
