import type { PatRecord } from './pat';

/** The verified identity behind a request. Claims come only from a token whose signature checked out. */
export interface Principal {
  readonly subject: string | undefined;
  readonly claims: Readonly<Record<string, unknown>>;
}

/** Turns the raw Authorization header into a principal, or throws `UnauthorizedError` / `ServiceUnavailableError`. */
export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Principal>;
}

/** Reads PAT metadata. Returns `undefined` when no item has that key: deciding what that means is the caller's job. */
export interface PatRepository {
  findById(workspaceId: string, id: string): Promise<PatRecord | undefined>;
}
