/** The rules of new PATs are settings (`PAT_POLICY` in `lambda/config/schema.ts`). */
export type { PatPolicy } from '../config';

export const DAY_MS = 86_400_000;
/** A PAT lives at least this long, so a typo cannot create one that is already useless. */
export const MIN_LIFETIME_MS = 3_600_000;
