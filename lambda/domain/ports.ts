import type { AuditRecord } from './audit';
import type { ExpiringPat, Removal } from './expiry';
import type { NewPatItem, PatRecord } from './pat';

/** The verified identity behind a request. Claims come only from a token whose signature checked out. */
export interface Principal {
  readonly subject: string | undefined;
  readonly claims: Readonly<Record<string, unknown>>;
}

/** Turns the raw Authorization header into a principal, or throws `UnauthorizedError` / `ServiceUnavailableError`. */
export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Principal>;
}

/** One page of a workspace's PATs, newest first, and whether more follow. */
export interface PatPage {
  readonly records: readonly PatRecord[];
  readonly hasMore: boolean;
}

/**
 * Every read and write of PATs. Reads return `undefined` for a missing item and writes report
 * what happened: deciding what that means (a 404, a 409) is the use case's job. Every write
 * stores its audit records in its own transaction: a change never commits without them.
 */
export interface PatRepository {
  findById(workspaceId: string, id: string): Promise<PatRecord | undefined>;
  /** Strongly consistent, newest first (descending id), starting after `afterId` when given. */
  list(workspaceId: string, options: { limit: number; afterId?: string | undefined }): Promise<PatPage>;
  /** Stores a new PAT unless the workspace already holds `maxPerWorkspace` (exactly, under concurrency). */
  create(
    item: NewPatItem,
    maxPerWorkspace: number,
    record: AuditRecord,
  ): Promise<'created' | 'limit_exceeded'>;
  /** Deletes `pat` and frees its slot, on condition it still exists; `false` when it did not. */
  delete(pat: PatRecord, record: AuditRecord): Promise<boolean>;
  /** In one transaction: stores `replacement` and deletes `old`, on condition `old` still exists. */
  replace(old: PatRecord, replacement: NewPatItem, record: AuditRecord): Promise<'replaced' | 'not_found'>;
  /** The workspace's PATs expired at `now` (RFC 3339), strongly consistent. */
  expired(workspaceId: string, now: string): Promise<ExpiringPat[]>;
  /**
   * Deletes an expired PAT and frees its slot, on condition its expiry is still the one read (and
   * `removal.unannounced` still absent); `false` when it changed or is gone.
   */
  remove(pat: ExpiringPat, removal: Removal): Promise<boolean>;
}

/** What the expiry job reads and writes. */
export interface ExpiryStore {
  /** Makes sure every PAT with an expiry can be found by `due` (PATs stored by earlier versions). */
  prepare(): Promise<void>;
  /** Pages of the PATs that expire at or before `until`; eventually consistent, so writes check again. */
  due(until: string): AsyncIterable<readonly ExpiringPat[]>;
  /**
   * Marks `mark` on the PAT and stores `record`, in one transaction, on condition the PAT still
   * has the expiry read and not that mark; `false` when the condition failed.
   */
  notify(pat: ExpiringPat, mark: string, record: AuditRecord): Promise<boolean>;
  remove(pat: ExpiringPat, removal: Removal): Promise<boolean>;
}

/** The parts of the environment a use case may not take from the global scope. */
export interface Clock {
  now(): number;
}

export type RandomBytes = (size: number) => Uint8Array;

/** What the authorizer reads of a PAT: its metadata and the hash it compares the token with. */
export interface PatCredential {
  readonly workspaceId: string;
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly tokenHash: string;
  readonly expiresAt: string | undefined;
  readonly lastUsedAt: string | undefined;
  readonly createdBy: string | undefined;
}

/** The authorizer's view of the PAT table. */
export interface PatCredentials {
  /** One strongly consistent read by the token's locator; `undefined` when there is no such PAT. */
  findCredential(workspaceId: string, id: string): Promise<PatCredential | undefined>;
  /**
   * Sets `lastUsedAt` to `now` unless another instance set it at or after `notBefore`: at most one
   * write per PAT per interval, whatever the number of instances. `false` when nothing was written.
   */
  touchLastUsed(workspaceId: string, id: string, now: string, notBefore: string): Promise<boolean>;
}
