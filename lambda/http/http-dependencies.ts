import { EmfMetrics, PATS_METRICS } from '../adapters/emf-metrics';
import type { LogLevel } from '../adapters/json-logger';
import { JsonLogger } from '../adapters/json-logger';
import type { Clock } from '../domain/ports';
import type { HttpDependencies } from './pipeline';

const systemClock: Clock = { now: () => Date.now() };

/**
 * What every HTTP route and the authorizer need: the clock, the EMF metrics and the JSON logger.
 * No AWS SDK here: a route that needs nothing more bundles none of it.
 */
export function httpDependencies(
  config: { readonly log: { readonly level: LogLevel } },
  overrides: Partial<HttpDependencies> = {},
): HttpDependencies {
  return {
    clock: overrides.clock ?? systemClock,
    metrics:
      overrides.metrics ??
      new EmfMetrics({
        namespace: PATS_METRICS.namespace,
        defaultDimensions: { Service: PATS_METRICS.service },
        definitions: PATS_METRICS.definitions,
      }),
    logger:
      overrides.logger ?? new JsonLogger({ serviceName: PATS_METRICS.service, level: config.log.level }),
  };
}
