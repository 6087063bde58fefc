import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { errorResponse, type HttpResult } from './responses';

/** Middy's `onError`: turns whatever the handler threw into the contract's error response. */
export function errorResponses(): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResult> {
  return {
    onError: (request) => {
      request.response = errorResponse(request.error);
    },
  };
}
