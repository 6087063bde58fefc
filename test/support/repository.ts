import { DynamoDbPatRepository, type DynamoDbPatRepositoryProps } from '../../lambda/adapters/pat-repository';
import { type AuditAction, auditRecord, LIMIT_ACTOR, userActor } from '../../lambda/domain/audit';
import { type ExpiringPat, removalOf } from '../../lambda/domain/expiry';
import type { NewPatItem, PatRecord } from '../../lambda/domain/pat';
import { UuidV7Generator } from '../../lambda/domain/uuid';
import { auditTableOf } from './dynamodb';

const ids = new UuidV7Generator(Date.now, (size) => crypto.getRandomValues(new Uint8Array(size)));

/** The production repository on a test's PAT table, its records in the table's audit table. */
export function repositoryOn(props: Omit<DynamoDbPatRepositoryProps, 'audit'>): DynamoDbPatRepository {
  return new DynamoDbPatRepository({
    ...props,
    audit: { tableName: auditTableOf(props.tableName), retentionDays: 400 },
  });
}

export const recordOf = (action: AuditAction, pat: PatRecord, extra = {}) =>
  auditRecord(action, pat, userActor('alice'), { at: Date.now(), ids }, extra);

/** The repository's writes as the use cases make them, each with its record (for adapter tests). */
export function writesOf(repository: DynamoDbPatRepository) {
  return {
    create: (item: NewPatItem, max: number) => repository.create(item, max, recordOf('pat.created', item)),
    /** Reads, then deletes: the PAT deleted, or `undefined` when there was none (or it went meanwhile). */
    async revoke(workspaceId: string, id: string): Promise<PatRecord | undefined> {
      const pat = await repository.findById(workspaceId, id);
      if (pat === undefined) return undefined;
      return (await repository.delete(pat, recordOf('pat.revoked', pat, { reason: 'user' })))
        ? pat
        : undefined;
    },
    replace: (old: PatRecord, replacement: NewPatItem) =>
      repository.replace(old, replacement, recordOf('pat.rotated', old, { newPatId: replacement.id })),
    /** What a create at the limit does: every expired PAT removed; those it removed. */
    async removeExpired(workspaceId: string, now: string): Promise<ExpiringPat[]> {
      const removed: ExpiringPat[] = [];
      for (const pat of await repository.expired(workspaceId, now)) {
        if (await repository.remove(pat, removalOf(pat, LIMIT_ACTOR, { at: Date.now(), ids })))
          removed.push(pat);
      }
      return removed;
    },
  };
}
