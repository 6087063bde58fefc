import type { AuditRecord, AuditRecords } from './audit';
import { encodeCursor } from './cursor';

export interface AuditList {
  readonly data: readonly AuditRecord[];
  /** Present only when more records follow, so it never leads to an empty page. */
  readonly nextCursor?: string;
}

/** "A workspace's audit records, newest first, a page at a time" (the grant is already checked). */
export async function listAuditRecords(
  input: {
    readonly workspaceId: string;
    readonly limit: number;
    readonly afterId: string | undefined;
    readonly patId: string | undefined;
  },
  deps: { readonly auditRecords: AuditRecords },
): Promise<AuditList> {
  const { workspaceId, ...options } = input;
  const page = await deps.auditRecords.list(workspaceId, options);
  const last = page.records.at(-1);
  return page.hasMore && last !== undefined
    ? { data: page.records, nextCursor: encodeCursor(workspaceId, last.id, 'audit') }
    : { data: page.records };
}
