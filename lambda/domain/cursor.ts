import { InvalidCursorError } from './errors';
import { isUuid } from './uuid';

/** Each list has its own prefix, so a cursor of one list is refused by the other. */
const PREFIXES = { pats: 'v1', audit: 'a1' } as const;
export type CursorKind = keyof typeof PREFIXES;

/**
 * The list's `nextCursor`: the workspace and the id of the last PAT of a page, opaque to clients.
 * It carries the workspace so that a cursor of one workspace is refused in another (400
 * `invalid_cursor`) instead of silently paging elsewhere. It is not secret and not signed: the
 * position it names is only ever used inside the caller's own, granted workspace.
 */
export function encodeCursor(workspaceId: string, lastId: string, kind: CursorKind = 'pats'): string {
  return `${PREFIXES[kind]}.${Buffer.from(JSON.stringify([workspaceId, lastId])).toString('base64url')}`;
}

/** The id to continue after, or `InvalidCursorError` when the cursor is not one this service made for `workspaceId`. */
export function decodeCursor(cursor: string, workspaceId: string, kind: CursorKind = 'pats'): string {
  const prefix = `${PREFIXES[kind]}.`;
  const payload = cursor.slice(prefix.length);
  if (!cursor.startsWith(prefix) || !/^[\w-]+$/.test(payload)) throw new InvalidCursorError();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload, 'base64url').toString());
  } catch {
    // Not JSON: `value` stays undefined and is refused below.
  }
  if (!Array.isArray(value) || value.length !== 2) throw new InvalidCursorError();
  const [cursorWorkspace, lastId] = value as unknown[];
  if (cursorWorkspace !== workspaceId || !isUuid(lastId) || lastId !== lastId.toLowerCase()) {
    throw new InvalidCursorError();
  }
  return lastId;
}
