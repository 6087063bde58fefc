const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads a UUID as the contract defines it: white space around it is trimmed, then exactly
 * 8-4-4-4-12 hex digits in any letter case. Returns the lower-case form, or `undefined` when the
 * value is malformed (braces, `urn:uuid:`, anything else around it).
 */
export function normaliseUuid(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return UUID.test(trimmed) ? trimmed.toLowerCase() : undefined;
}

/** True for a canonical UUID with nothing around it (used where no trimming is allowed). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
