import type { PatPolicy } from '../../domain/pat-policy';
import type { PatRepository, RandomBytes } from '../../domain/ports';
import type { UuidV7Generator } from '../../domain/uuid';
import type { ManagementDependencies } from '../pipeline';

/** What the PAT management routes need: the pipeline's dependencies, the repository, and minting. */
export interface PatRouteDependencies extends ManagementDependencies {
  readonly repository: PatRepository;
  readonly policy: PatPolicy;
  readonly random: RandomBytes;
  readonly ids: Pick<UuidV7Generator, 'next'>;
}

/** Where a PAT lives, for `Location`. */
export const patLocation = (id: string) => `/api/v1/pats/${id}`;

/** The largest create or rotate body (contract: 4 KiB). */
export const MAX_BODY_BYTES = 4096;
