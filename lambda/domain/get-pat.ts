import { PatNotFoundError } from './errors';
import { type PatView, toPatView } from './pat';
import type { PatRepository } from './ports';

/** "Return a PAT's metadata to a member of its workspace" (the grant is already checked). */
export async function getPat(
  input: { readonly workspaceId: string; readonly patId: string },
  deps: { readonly repository: PatRepository },
): Promise<PatView> {
  const record = await deps.repository.findById(input.workspaceId, input.patId);
  if (record === undefined) throw new PatNotFoundError();
  return toPatView(record);
}
