import { type AuditEvent, auditRecord, userActor } from './audit';
import { PatNotFoundError } from './errors';
import type { Clock, PatRepository } from './ports';

/** "Revoke a PAT": it stops working and disappears (the grant is already checked). */
export async function revokePat(
  input: { readonly workspaceId: string; readonly patId: string; readonly subject: string | undefined },
  deps: {
    readonly repository: PatRepository;
    readonly clock: Clock;
    readonly ids: { next(): string };
  },
): Promise<{ readonly audit: AuditEvent }> {
  // Read first: the record names the PAT and its prefix, which a delete cannot return. If it goes
  // away meanwhile, the delete's condition fails: still a 404.
  const pat = await deps.repository.findById(input.workspaceId, input.patId);
  if (pat === undefined) throw new PatNotFoundError();
  const record = auditRecord(
    'pat.revoked',
    pat,
    userActor(input.subject),
    {
      at: deps.clock.now(),
      ids: deps.ids,
    },
    { reason: 'user' },
  );
  if (!(await deps.repository.delete(pat, record))) throw new PatNotFoundError();
  return {
    audit: { action: 'pat.revoked', patId: pat.id, tokenPrefix: pat.tokenPrefix, expiresAt: pat.expiresAt },
  };
}
