import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Logger } from '../adapters/json-logger';
import type { AuditTrail } from '../domain/get-pat';

/** The Lambda context with what this invocation learns as it goes. */
export type InvocationContext = Context & {
  /** Filled in by the use case as each check passes, for the audit line. */
  auditTrail: AuditTrail;
  /** True for the first invocation in this execution environment. */
  coldStart: boolean;
};

/**
 * Runs first: marks the cold start, gives the use case an empty audit trail, and adds the
 * invocation's identity to every log line.
 */
export function invocationContext(
  logger: Logger,
): middy.MiddlewareObj<unknown, unknown, Error, InvocationContext> {
  let first = true;
  return {
    before: ({ context }) => {
      context.coldStart = first;
      first = false;
      context.auditTrail = {};
      logger.setContext({
        cold_start: context.coldStart,
        function_name: context.functionName,
        function_memory_size: context.memoryLimitInMB,
        function_request_id: context.awsRequestId,
      });
    },
  };
}
