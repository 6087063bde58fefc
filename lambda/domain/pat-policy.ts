/** The rules a new PAT must follow (`PAT_SCOPES`, `PAT_*_LIFETIME_DAYS`, `PAT_MAX_PER_WORKSPACE`). */
export interface PatPolicy {
  /** The scopes a PAT may carry. */
  readonly scopes: readonly string[];
  /** The lifetime of a PAT created without `expiresAt`. */
  readonly defaultLifetimeDays: number;
  /** The longest lifetime a PAT may have. */
  readonly maxLifetimeDays: number;
  readonly maxPerWorkspace: number;
}

export const DAY_MS = 86_400_000;
/** A PAT lives at least this long, so a typo cannot create one that is already useless. */
export const MIN_LIFETIME_MS = 3_600_000;
