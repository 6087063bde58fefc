import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '../adapters/json-logger';
import { ApiError, CorruptPatItemError, ServiceUnavailableError, UnauthorizedError } from '../domain/errors';
import type { InvocationContext } from './invocation-context';
import { outcomeOf } from './outcome';
import type { HttpResult } from './responses';

export interface AuditLogOptions {
  readonly logger: Logger;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Writes the contract's one audit line per request (who read which PAT's metadata, and how it
 * ended) and stamps `x-request-id` on the response. It runs last, after the error mapping, so it
 * sees the response the client gets. It logs only verified or normalised values: never headers.
 */
export function auditLog(
  options: AuditLogOptions,
): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResult, Error, InvocationContext> {
  const now = options.now ?? Date.now;
  const { logger } = options;
  const startedAt = new WeakMap<object, number>();

  const finish = (request: middy.Request<APIGatewayProxyEventV2, HttpResult, Error, InvocationContext>) => {
    const response = request.response;
    if (response === null || response === undefined) return;
    const requestId = request.event.requestContext?.requestId ?? request.context.awsRequestId;
    response.headers = { ...response.headers, 'x-request-id': requestId };

    const error = request.error ?? undefined;
    const trail = request.context.auditTrail;
    const line = {
      requestId,
      status: response.statusCode,
      code: outcomeOf(response.statusCode, error).code,
      latencyMs: now() - (startedAt.get(request.context) ?? now()),
      subject: trail.subject,
      workspaceId: trail.workspaceId,
      patId: trail.patId,
      ...(error instanceof UnauthorizedError ? { reason: error.reason } : {}),
      ...(error instanceof ServiceUnavailableError ? { dependency: error.dependency } : {}),
    };
    if (response.statusCode >= 500) {
      logger.error('request failed', { ...line, error: describe(error) });
    } else {
      logger.info('request', line);
    }
  };

  return {
    before: (request) => {
      startedAt.set(request.context, now());
    },
    after: finish,
    onError: finish,
  };
}

/**
 * What the logs say about a failure. Error messages are built by this codebase or the AWS SDK and
 * carry no token; the raw event is never logged.
 */
function describe(error: Error | undefined) {
  if (error === undefined) return undefined;
  const cause = (error as { cause?: unknown }).cause;
  return {
    name: error.name,
    message: error.message,
    ...(error instanceof CorruptPatItemError ? { key: error.key, problems: error.problems } : {}),
    ...(cause instanceof Error ? { cause: { name: cause.name, message: cause.message } } : {}),
    ...(error instanceof ApiError ? {} : { stack: error.stack }),
  };
}
