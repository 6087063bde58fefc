import { join } from 'node:path';
import { PATS_METRICS } from '../../lambda/adapters/emf-metrics';
import { JsonLogger } from '../../lambda/adapters/json-logger';
import { loadConfig } from '../../lambda/config';
import { EXPIRY_JOB_SETTINGS, PUBLISHER_SETTINGS } from '../../lambda/config/schema';
import { expiryJobDependencies } from '../../lambda/expiry-job/dependencies';
import { createExpiryJobHandler } from '../../lambda/expiry-job/handler';
import { publisherDependencies } from '../../lambda/publisher/dependencies';
import { createPublisherHandler } from '../../lambda/publisher/handler';
import { listenAll } from '../listen';
import { createLocalEventBus, type DeliveredEvent } from './local-event-bus';
import { StreamPoller } from './stream-poller';

type Env = Readonly<Record<string, string | undefined>>;

export interface LifecycleOptions {
  /** The functions' environment, as `npm start` gives it (`LocalConfig.functionEnv`). */
  readonly env: Env;
  readonly dynamoDbEndpoint: string;
  /** The folder of the stream's checkpoint. */
  readonly dataDir: string;
  /** Keep no checkpoint: the store itself does not survive a restart. */
  readonly inMemory: boolean;
  readonly expiryJobIntervalSeconds: number;
  /** Where a line goes when the publisher or a job run fails. */
  readonly log: (line: string) => void;
}

export interface RunningLifecycle {
  readonly poller: StreamPoller;
  /** One run of the expiry job now (the timer runs it every interval). */
  runExpiryJob(): Promise<unknown>;
  close(): Promise<void>;
}

/** Where `npm start` appends every event, one JSON line each. */
export const eventsFileOf = (dataDir: string) => join(dataDir, 'events.ndjson');

/**
 * `npm start`'s EventBridge on `port` (see `local-event-bus.ts`): each event appended to the data
 * folder's `events.ndjson` and told to `log` in one line.
 */
export async function startLocalBus(options: {
  readonly busName: string;
  readonly dataDir: string;
  readonly port: number;
  readonly hosts: readonly string[];
  readonly variable: string;
  readonly log: (line: string) => void;
}) {
  const bus = await listenAll(
    () =>
      createLocalEventBus({
        busName: options.busName,
        file: eventsFileOf(options.dataDir),
        listenAddresses: options.hosts,
        onEvent: (event) => options.log(describeEvent(event)),
      }),
    options.port,
    options.hosts,
    options.variable,
  );
  return { endpoint: `http://127.0.0.1:${bus.port}`, close: bus.close };
}

/**
 * A PAT's life after its creation, locally, with the same code as in AWS: the publisher's handler
 * over the audit table's stream (Lambda's event source mapping played by `StreamPoller`), and the
 * expiry job on a timer instead of EventBridge Scheduler.
 */
export async function startLifecycle(options: LifecycleOptions): Promise<RunningLifecycle> {
  const publish = createPublisherHandler(publisherDependencies(loadConfig(PUBLISHER_SETTINGS, options.env)));
  const jobConfig = loadConfig(EXPIRY_JOB_SETTINGS, options.env);
  const poller = new StreamPoller({
    endpoint: options.dynamoDbEndpoint,
    tableName: jobConfig.audit.tableName,
    handler: publish,
    checkpointFile: options.inMemory ? undefined : join(options.dataDir, 'stream-checkpoint.json'),
    onError: (error) => options.log(`publisher: ${(error as Error).message}`),
  }).start();
  // Its line when it did something or failed; a run with nothing due every minute is noise here.
  const logger = new JsonLogger({
    serviceName: PATS_METRICS.service,
    level: jobConfig.log.level,
    write: (line) => {
      if (!/"message":"expiry job","[^}]*"seen":0,/.test(line)) process.stdout.write(`${line}\n`);
    },
  });
  const job = createExpiryJobHandler(expiryJobDependencies(jobConfig, { logger }));
  // One run at a time, as the stack's reserved concurrency would not promise: runs are safe to
  // overlap, but a slow machine should not pile them up.
  let running: Promise<unknown> = Promise.resolve();
  const runExpiryJob = () => {
    running = running.then(() =>
      job().catch((error: unknown) => options.log(`expiry job failed: ${(error as Error).message}`)),
    );
    return running;
  };
  const timer = setInterval(runExpiryJob, options.expiryJobIntervalSeconds * 1000);
  return {
    poller,
    runExpiryJob,
    close: async () => {
      clearInterval(timer);
      await running;
      await poller.stop();
    },
  };
}

/** `event pat.created  My CI token (pat_0a1B2c3D…) by user demo-user`: one line per event. */
function describeEvent(event: DeliveredEvent): string {
  const { detail } = event;
  const actor = detail.actor as { type?: string; subject?: string } | undefined;
  const extra = detail.daysLeft !== undefined ? `, ${detail.daysLeft} day(s) left` : '';
  return `event ${event['detail-type']}  "${String(detail.name)}" (${String(detail.tokenPrefix)}…) in ${String(detail.workspaceId)} by ${actor?.type} ${actor?.subject}${extra}`;
}
