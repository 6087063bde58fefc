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
 * what happened: deciding what that means (a 404, a 409) is the use case's job.
 */
export interface PatRepository {
  findById(workspaceId: string, id: string): Promise<PatRecord | undefined>;
  /** Strongly consistent, newest first (descending id), starting after `afterId` when given. */
  list(workspaceId: string, options: { limit: number; afterId?: string | undefined }): Promise<PatPage>;
  /** Stores a new PAT unless the workspace already holds `maxPerWorkspace` (exactly, under concurrency). */
  create(item: NewPatItem, maxPerWorkspace: number): Promise<'created' | 'limit_exceeded'>;
  /** Deletes a PAT and frees its slot; returns what was deleted, `undefined` when there was nothing. */
  delete(workspaceId: string, id: string): Promise<PatRecord | undefined>;
  /** In one transaction: stores `replacement` and deletes `old`, on condition `old` still exists. */
  replace(old: PatRecord, replacement: NewPatItem): Promise<'replaced' | 'not_found'>;
}

/** The parts of the environment a use case may not take from the global scope. */
export interface Clock {
  now(): number;
}

export type RandomBytes = (size: number) => Uint8Array;
