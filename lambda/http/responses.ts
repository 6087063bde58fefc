import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApiError } from '../domain/errors';

export type HttpResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
  body?: string;
};

/** Headers of every response: per-user data is never cached, and never sniffed as another type. */
const BASE_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...BASE_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

/** A response without a body (204): no `Content-Type` either. */
export function emptyResponse(statusCode: number): HttpResult {
  return { statusCode, headers: { ...BASE_HEADERS } };
}

const GENERIC_500 = { code: 'internal_error', message: 'An unexpected error occurred.' } as const;

/**
 * The one place errors become HTTP responses. An `ApiError` says its own status, headers and body;
 * one that is not meant for clients (`expose: false`), and anything that is not an `ApiError`,
 * becomes the same generic 500, so no stack trace, ARN, table name or token can reach a response.
 */
export function errorResponse(error: unknown): HttpResult {
  if (!(error instanceof ApiError) || !error.expose) return jsonResponse(500, GENERIC_500);
  return jsonResponse(error.statusCode, error.body(), { ...error.headers });
}
