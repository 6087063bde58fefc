import { encodeCursor } from './cursor';
import { type PatView, toPatView } from './pat';
import type { PatRepository } from './ports';

export interface PatList {
  readonly data: PatView[];
  /** Present only when more PATs follow, so it never leads to an empty page. */
  readonly nextCursor?: string;
}

/** "List a workspace's PATs, newest first, a page at a time" (the grant is already checked). */
export async function listPats(
  input: { readonly workspaceId: string; readonly limit: number; readonly afterId: string | undefined },
  deps: { readonly repository: PatRepository },
): Promise<PatList> {
  const page = await deps.repository.list(input.workspaceId, { limit: input.limit, afterId: input.afterId });
  const data = page.records.map(toPatView);
  const last = data.at(-1);
  return page.hasMore && last !== undefined
    ? { data, nextCursor: encodeCursor(input.workspaceId, last.id) }
    : { data };
}
