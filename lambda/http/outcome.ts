import { ApiError } from '../domain/errors';

/**
 * How a request ended, in the fixed vocabulary of logs and metrics: the status of a success
 * (`200`, `201`, `204`), the `code` of a 4xx, or `5xx` (any server-side failure, whatever its code).
 */
export function outcomeOf(status: number, error: unknown): { code: string | undefined; outcome: string } {
  const code = error instanceof ApiError ? error.code : status >= 500 ? 'internal_error' : undefined;
  if (status >= 500) return { code, outcome: '5xx' };
  // A success has no code (no ApiError carries a 2xx status), so its status is the outcome.
  return { code, outcome: code ?? String(status) };
}
