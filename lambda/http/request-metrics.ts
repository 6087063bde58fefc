import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { EmfMetrics } from '../adapters/emf-metrics';
import { UnauthorizedError } from '../domain/errors';
import { invocationOf } from './invocation';
import { outcomeOf } from './outcome';
import type { HttpResult } from './responses';

/**
 * Publishes the request's metrics (route and outcome, cold start, why a token was refused) with
 * whatever the adapters recorded during the invocation (DynamoDB latency), flushed once per
 * invocation as one EMF document.
 */
export function requestMetrics(metrics: EmfMetrics): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResult> {
  const finish = (request: middy.Request<APIGatewayProxyEventV2, HttpResult>) => {
    const invocation = invocationOf(request.event);
    const status = request.response?.statusCode ?? 500;
    const error = request.error ?? undefined;
    metrics.dimension('Route', invocation.route);
    metrics.dimension('Outcome', outcomeOf(status, error).outcome);
    metrics.add('Request', 1);
    if (invocation.coldStart) metrics.add('ColdStart', 1);
    if (error instanceof UnauthorizedError) {
      metrics.dimension('Reason', error.reason);
      metrics.add('JwtRejected', 1);
    }
    metrics.flush();
  };
  return { after: finish, onError: finish };
}
