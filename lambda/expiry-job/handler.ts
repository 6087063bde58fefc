import type { Logger } from '../adapters/json-logger';
import { type ExpiryJobDependencies, type ExpiryJobSummary, runExpiryJob } from '../domain/expiry-job';

/**
 * The expiry job's Lambda handler: one run per invocation, whatever the event (EventBridge
 * Scheduler's, or `npm start`'s timer). A failed run throws, so Lambda retries it and then sends
 * it to the dead-letter queue; whatever it wrote before stays written, and the next run goes on.
 */
export function createExpiryJobHandler(deps: ExpiryJobDependencies & { readonly logger: Logger }) {
  return async (event?: { readonly scheduledTime?: unknown }): Promise<ExpiryJobSummary> => {
    const startedAt = deps.clock.now();
    const scheduledTime = typeof event?.scheduledTime === 'string' ? event.scheduledTime : undefined;
    try {
      const summary = await runExpiryJob(deps);
      deps.logger.info('expiry job', { scheduledTime, ...summary, durationMs: deps.clock.now() - startedAt });
      return summary;
    } catch (error) {
      deps.logger.error('expiry job failed', {
        scheduledTime,
        durationMs: deps.clock.now() - startedAt,
        error: { name: (error as Error).name, message: (error as Error).message },
      });
      throw error;
    }
  };
}
