import type { NewPatItem } from './pat';
import type { Clock, RandomBytes } from './ports';
import { formatPatToken, hashPatToken, tokenPrefixOf } from './token-format';
import type { UuidV7Generator } from './uuid';

export interface MintingDependencies {
  readonly clock: Clock;
  readonly random: RandomBytes;
  readonly ids: Pick<UuidV7Generator, 'next'>;
}

/**
 * A new PAT: a UUIDv7 id (newest first by id), a token in the contract's format from 32 CSPRNG
 * bytes, and the item to store, which holds the token's SHA-256 and never the token itself.
 */
export function mintPat(
  fields: {
    readonly workspaceId: string;
    readonly name: string;
    readonly scopes: readonly string[];
    readonly expiresAt: string;
    readonly createdBy: string | undefined;
  },
  now: number,
  deps: Omit<MintingDependencies, 'clock'>,
): { readonly item: NewPatItem; readonly token: string } {
  const id = deps.ids.next();
  const token = formatPatToken(deps.random(32), { workspaceId: fields.workspaceId, id });
  const item: NewPatItem = {
    workspaceId: fields.workspaceId,
    id,
    name: fields.name,
    scopes: [...fields.scopes],
    tokenPrefix: tokenPrefixOf(token),
    tokenHash: hashPatToken(token),
    createdAt: new Date(now).toISOString(),
    expiresAt: fields.expiresAt,
    // Undefined for a JWT without `sub`: the client leaves undefined attributes out of the item.
    createdBy: fields.createdBy,
  };
  return { item, token };
}
