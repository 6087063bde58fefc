import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '../adapters/json-logger';
import { ApiError } from '../domain/errors';
import { invocationOf } from './invocation';
import { outcomeOf } from './outcome';
import type { HttpResult } from './responses';

/**
 * Writes the contract's log lines and stamps `x-request-id` on the response: one line per request
 * (who asked what of which PAT, and how it ended) and, after a successful write, one audit line
 * (`pat.created`, `pat.revoked`, `pat.rotated`). It runs last, after the error mapping, so it sees
 * the response the client gets. It logs only verified or normalised values: never headers, never
 * a token or its hash.
 */
export function auditLog(options: {
  readonly logger: Logger;
  readonly now: () => number;
}): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResult> {
  const { logger, now } = options;

  const finish = (request: middy.Request<APIGatewayProxyEventV2, HttpResult>) => {
    const response = request.response;
    if (response === null || response === undefined) return;
    const requestId = request.event.requestContext?.requestId ?? request.context.awsRequestId;
    response.headers = { ...response.headers, 'x-request-id': requestId };

    const invocation = invocationOf(request.event);
    const error = request.error ?? undefined;
    const { trail } = invocation;
    const line = {
      requestId,
      route: invocation.route,
      status: response.statusCode,
      code: outcomeOf(response.statusCode, error).code,
      latencyMs: now() - invocation.startedAt,
      subject: trail.subject,
      tokenType: trail.tokenType,
      workspaceId: trail.workspaceId,
      patId: trail.patId,
      ...(error instanceof ApiError ? error.logFields() : {}),
    };
    if (response.statusCode >= 500) {
      logger.error('request failed', { ...line, error: describe(error) });
    } else {
      logger.info('request', line);
    }
    if (invocation.audit !== undefined && response.statusCode < 300) {
      logger.info('audit', {
        requestId,
        subject: trail.subject,
        workspaceId: trail.workspaceId,
        ...invocation.audit,
      });
    }
  };

  return { after: finish, onError: finish };
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
    ...(cause instanceof Error ? { cause: { name: cause.name, message: cause.message } } : {}),
    ...(error instanceof ApiError ? {} : { stack: error.stack }),
  };
}
