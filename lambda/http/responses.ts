import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApiError, InternalError, ServiceUnavailableError, UnauthorizedError } from '../domain/errors';

export type HttpResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
};

/** The realm of every `WWW-Authenticate` challenge (RFC 6750). */
export const REALM = 'pats-api';

/** Every response the function returns: JSON, never cached (it is per-user data). */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

const GENERIC_500 = { code: 'internal_error', message: 'An unexpected error occurred.' } as const;

/**
 * The one place errors become HTTP responses. Only `ApiError`s meant for clients are exposed;
 * internal errors and anything unknown become the same generic 500, so no stack trace, ARN,
 * table name or token can ever reach a response.
 */
export function errorResponse(error: unknown): HttpResult {
  if (!(error instanceof ApiError) || error instanceof InternalError) return jsonResponse(500, GENERIC_500);
  const body = { code: error.code, message: error.message };
  if (error instanceof UnauthorizedError) {
    return jsonResponse(401, body, { 'www-authenticate': challenge(error) });
  }
  if (error instanceof ServiceUnavailableError) {
    return jsonResponse(503, body, { 'retry-after': String(error.retryAfterSeconds) });
  }
  return jsonResponse(error.status, body);
}

function challenge(error: UnauthorizedError): string {
  if (!error.credentialsSent) return `Bearer realm="${REALM}"`;
  // Descriptions are fixed phrases from this codebase, never token text, so no quoting is needed.
  const description = error.description ?? 'The access token is invalid';
  return `Bearer realm="${REALM}", error="invalid_token", error_description="${description}"`;
}
