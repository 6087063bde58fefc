import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { EmfMetrics } from '../adapters/emf-metrics';
import type { Logger } from '../adapters/json-logger';
import { type GetPatDependencies, getPat } from '../domain/get-pat';
import { auditLog } from './audit-log';
import { errorResponses } from './error-responses';
import { type InvocationContext, invocationContext } from './invocation-context';
import { header } from './request';
import { requestMetrics } from './request-metrics';
import { type HttpResult, jsonResponse } from './responses';

export interface GetPatHandlerDependencies extends GetPatDependencies {
  readonly logger: Logger;
  readonly metrics: EmfMetrics;
}

/**
 * `GET /api/v1/pats/{id}` as a Lambda handler (HTTP API payload 2.0). Middleware first, then one
 * call into the use case; the same function serves Lambda, `sam local invoke` and the local API.
 * Middy runs `after`/`onError` in reverse order: errors become responses first, then the audit
 * line and the metrics see the response the client gets.
 */
export function createGetPatHandler(deps: GetPatHandlerDependencies) {
  return middy<APIGatewayProxyEventV2, HttpResult, Error, InvocationContext>()
    .use(invocationContext(deps.logger))
    .use(requestMetrics(deps.metrics))
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
