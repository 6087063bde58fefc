import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { EmfMetrics } from '../adapters/emf-metrics';
import { UnauthorizedError } from '../domain/errors';
import type { InvocationContext } from './invocation-context';
import { outcomeOf } from './outcome';
import type { HttpResult } from './responses';

/**
 * Publishes the request's metrics (outcome, cold start, why a token was refused) with whatever
 * the adapters recorded during the invocation (DynamoDB latency), flushed once per invocation.
 */
export function requestMetrics(
  metrics: EmfMetrics,
): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResult, Error, InvocationContext> {
  const finish = (request: middy.Request<APIGatewayProxyEventV2, HttpResult, Error, InvocationContext>) => {
    const status = request.response?.statusCode ?? 500;
    const error = request.error ?? undefined;
    metrics.dimension('Outcome', outcomeOf(status, error).outcome);
    metrics.add('Request', 1);
    if (request.context.coldStart) metrics.add('ColdStart', 1);
    if (error instanceof UnauthorizedError) {
      metrics.dimension('Reason', error.reason);
      metrics.add('JwtRejected', 1);
    }
    metrics.flush();
  };
  return { after: finish, onError: finish };
}
