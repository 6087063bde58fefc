import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { Logger } from '../adapters/json-logger';
import type { AuditEvent } from '../domain/audit';

/**
 * What the request turned out to be about, filled in as each check passes, so the request line
 * can say who asked for what even when a later check refuses the request. Only verified or
 * normalised values: never raw header text.
 */
export interface AuditTrail {
  subject?: string;
  workspaceId?: string;
  patId?: string;
  /** `pat` or `user`, on routes that accept both. */
  tokenType?: string;
}

/** What one invocation learns as it goes, shared by the middlewares and the route. */
export interface Invocation {
  readonly route: string;
  readonly coldStart: boolean;
  readonly startedAt: number;
  readonly trail: AuditTrail;
  /** Set by a route that wrote something, for the audit line. */
  audit?: AuditEvent;
}

/**
 * Per-invocation state, keyed by the invocation's own event object: Middy hands the route
 * handler only `(event, context)`, and Lambda's `Context` is not ours to extend. Entries go away
 * with their event.
 */
const invocations = new WeakMap<object, Invocation>();

export function invocationOf(event: object): Invocation {
  const invocation = invocations.get(event);
  if (invocation === undefined) throw new Error('no invocation: the invocation middleware must run first');
  return invocation;
}

export type HttpRequest<Result> = middy.Request<APIGatewayProxyEventV2, Result, Error, Context>;

/**
 * Runs first: starts the invocation's state (cold start, start time, an empty audit trail) and
 * adds the invocation's identity to every log line.
 */
export function invocationMiddleware<Result>(options: {
  readonly route: string;
  readonly logger: Logger;
  readonly now: () => number;
}): middy.MiddlewareObj<APIGatewayProxyEventV2, Result> {
  let first = true;
  return {
    before: ({ event, context }) => {
      const invocation: Invocation = {
        route: options.route,
        coldStart: first,
        startedAt: options.now(),
        trail: {},
      };
      first = false;
      invocations.set(event, invocation);
      options.logger.setContext({
        cold_start: invocation.coldStart,
        function_name: context.functionName,
        function_memory_size: context.memoryLimitInMB,
        function_request_id: context.awsRequestId,
      });
    },
  };
}
