import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Logger } from '../adapters/json-logger';
import { type GetPatDependencies, getPat } from '../domain/get-pat';
import { type AuditedContext, auditLog } from './audit-log';
import { errorResponses } from './error-responses';
import { logContext } from './log-context';
import { header } from './request';
import { type HttpResult, jsonResponse } from './responses';

export interface GetPatHandlerDependencies extends GetPatDependencies {
  readonly logger: Logger;
}

/**
 * `GET /api/v1/pats/{id}` as a Lambda handler (HTTP API payload 2.0). Middleware first, then one
 * call into the use case; the same function serves Lambda, `sam local invoke` and the local API.
 */
export function createGetPatHandler(deps: GetPatHandlerDependencies) {
  return middy<APIGatewayProxyEventV2, HttpResult, Error, AuditedContext>()
    .use(logContext(deps.logger))
    .use(auditLog({ logger: deps.logger }))
    .use(errorResponses())
    .handler(async (event, context) => {
      const data = await getPat(
        {
          authorization: header(event, 'authorization'),
          workspaceId: header(event, 'x-workspace-id'),
          patId: event.pathParameters?.id,
        },
        deps,
        context.auditTrail,
      );
      return jsonResponse(200, { data });
    });
}
