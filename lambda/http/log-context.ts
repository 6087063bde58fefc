import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Logger } from '../adapters/json-logger';

/**
 * Adds the invocation's identity to every log line: the Lambda request id, the function, and
 * whether this invocation paid for a cold start (the first one in this execution environment).
 */
export function logContext(logger: Logger): middy.MiddlewareObj<unknown, unknown, Error, Context> {
  let coldStart = true;
  return {
    before: ({ context }) => {
      logger.setContext({
        cold_start: coldStart,
        function_name: context.functionName,
        function_memory_size: context.memoryLimitInMB,
        function_request_id: context.awsRequestId,
      });
      coldStart = false;
    },
  };
}
