import { loadConfig } from '../../lambda/config';
import { PUBLISHER_SETTINGS } from '../../lambda/config/schema';
import { publisherDependencies } from '../../lambda/publisher/dependencies';
import { createPublisherHandler } from '../../lambda/publisher/handler';
import { StreamPoller } from '../../local/events/stream-poller';

/**
 * The publisher over an audit table's stream, as `npm start` runs it, in a process of its own so
 * that a test can kill it (SIGKILL) at any moment. Configured by the publisher's own variables and
 * the test's STREAM_ENDPOINT, STREAM_TABLE and STREAM_CHECKPOINT.
 */
const handler = createPublisherHandler(publisherDependencies(loadConfig(PUBLISHER_SETTINGS, process.env)));
new StreamPoller({
  endpoint: process.env.STREAM_ENDPOINT ?? '',
  tableName: process.env.STREAM_TABLE ?? '',
  checkpointFile: process.env.STREAM_CHECKPOINT,
  handler,
  intervalMs: 50,
}).start();
process.stdout.write('polling\n');
