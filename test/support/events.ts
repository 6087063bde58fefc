import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JsonLogger } from '../../lambda/adapters/json-logger';
import { loadConfig } from '../../lambda/config';
import { PUBLISHER_SETTINGS } from '../../lambda/config/schema';
import { publisherDependencies } from '../../lambda/publisher/dependencies';
import { createPublisherHandler } from '../../lambda/publisher/handler';
import {
  createLocalEventBus,
  type DeliveredEvent,
  type LocalEventBusOptions,
} from '../../local/events/local-event-bus';
import { StreamPoller } from '../../local/events/stream-poller';

export const BUS_NAME = 'pats-api-test';

/** `npm start`'s bus on a free port, keeping what it delivers; `refuse` as EventBridge refuses entries. */
export async function startBus(refuse?: LocalEventBusOptions['refuse']) {
  const delivered: DeliveredEvent[] = [];
  const server: Server = createLocalEventBus({
    busName: BUS_NAME,
    onEvent: (event) => delivered.push(event),
    ...(refuse !== undefined ? { refuse } : {}),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    delivered,
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The production publisher handler, configured by its own variables to send to `busEndpoint`. */
export function publisherFor(busEndpoint: string, logLines: string[] = []) {
  return createPublisherHandler(
    publisherDependencies(
      loadConfig(PUBLISHER_SETTINGS, { EVENT_BUS_NAME: BUS_NAME, EVENT_BUS_ENDPOINT: busEndpoint }),
      {
        logger: new JsonLogger({ serviceName: 'test', write: (line) => logLines.push(line) }),
      },
    ),
  );
}

/** Lambda's event source mapping for the audit table, as `npm start` plays it. */
export function pollerFor(options: {
  endpoint: string;
  auditTable: string;
  busEndpoint: string;
  checkpointFile?: string;
  logLines?: string[];
}) {
  return new StreamPoller({
    endpoint: options.endpoint,
    tableName: options.auditTable,
    handler: publisherFor(options.busEndpoint, options.logLines),
    checkpointFile: options.checkpointFile,
  });
}

/** The first delivery of each record (consumers dedupe on `detail.id`), in delivery order. */
export function deduped(events: readonly DeliveredEvent[]): DeliveredEvent[] {
  const seen = new Set<unknown>();
  return events.filter((event) => {
    if (seen.has(event.detail.id)) return false;
    seen.add(event.detail.id);
    return true;
  });
}
