/** A personal access token's metadata as stored, without its hash (which is never read). */
export interface PatRecord {
  readonly workspaceId: string;
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly tokenPrefix: string;
  readonly createdAt: string;
  readonly expiresAt?: string;
  readonly lastUsedAt?: string;
  /** The `sub` of the user who created it. */
  readonly createdBy?: string;
}

/** What a new PAT is stored as: its metadata and the SHA-256 of its token (the token never is). */
export interface NewPatItem extends PatRecord {
  readonly expiresAt: string;
  readonly tokenHash: string;
}

/** The `data` member of a 200 body: exactly the contract's keys, optional ones left out when absent. */
export interface PatView {
  id: string;
  workspaceId: string;
  name: string;
  scopes: string[];
  tokenPrefix: string;
  createdAt: string;
  expiresAt?: string;
  lastUsedAt?: string;
}

/** A view with the token: the body of create and rotate, the only time the token is shown. */
export type CreatedPatView = PatView & { token: string };

export function toPatView(record: PatRecord): PatView {
  // Built key by key rather than spread, so an attribute added to the item later (createdBy,
  // tokenHash) can never leak into a response by accident.
  const view: PatView = {
    id: record.id,
    workspaceId: record.workspaceId,
    name: record.name,
    scopes: [...record.scopes],
    tokenPrefix: record.tokenPrefix,
    createdAt: record.createdAt,
  };
  if (record.expiresAt !== undefined) view.expiresAt = record.expiresAt;
  if (record.lastUsedAt !== undefined) view.lastUsedAt = record.lastUsedAt;
  return view;
}
