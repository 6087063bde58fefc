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
}

/** The `data` member of the 200 body: exactly the contract's keys, optional ones left out when absent. */
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

export function toPatView(record: PatRecord): PatView {
  // Built key by key rather than spread, so an attribute added to the item later can never leak
  // into the response by accident.
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
