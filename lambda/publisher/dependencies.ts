import { PATS_METRICS } from '../adapters/emf-metrics';
import { EventBridgeBus } from '../adapters/event-bus';
import { JsonLogger } from '../adapters/json-logger';
import { loadConfig } from '../config';
import { PUBLISHER_SETTINGS } from '../config/schema';
import type { ConfigOf } from '../config/setting';
import { createPublisherHandler, type PublisherDependencies } from './handler';

/** The publisher's composition root (see `lambda/dependencies.ts`). */
export type PublisherConfig = ConfigOf<typeof PUBLISHER_SETTINGS>;

export function publisherDependencies(
  config: PublisherConfig,
  overrides: Partial<PublisherDependencies> = {},
): PublisherDependencies {
  return {
    bus:
      overrides.bus ??
      new EventBridgeBus({ busName: config.events.busName, endpoint: config.events.endpoint }),
    logger:
      overrides.logger ?? new JsonLogger({ serviceName: PATS_METRICS.service, level: config.log.level }),
  };
}

/** The publisher's Lambda handler, built at init. */
export const publisherLambda = () =>
  createPublisherHandler(publisherDependencies(loadConfig(PUBLISHER_SETTINGS)));
