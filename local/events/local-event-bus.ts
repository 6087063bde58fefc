import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { isLoopbackHost } from '../gateway/server';

/** An event as EventBridge delivers it to a rule's target (the keys the contract names). */
export interface DeliveredEvent {
  readonly id: string;
  readonly source: string;
  readonly 'detail-type': string;
  /** Whole seconds, as AWS writes it. */
  readonly time: string;
  readonly detail: Record<string, unknown>;
}

interface Entry {
  readonly Source?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: unknown;
  readonly EventBusName?: unknown;
  readonly Time?: unknown;
}

export interface LocalEventBusOptions {
  /** The bus the publisher names (its `events.busName` setting); entries for another bus are refused. */
  readonly busName: string;
  /** Where each event is appended as one JSON line (`LOCAL_DATA_DIR/events.ndjson`). */
  readonly file?: string | undefined;
  /** Told each event as it is accepted. */
  readonly onEvent?: (event: DeliveredEvent) => void;
  /** The addresses the server listens on, whose names a request may be addressed to. */
  readonly listenAddresses?: readonly string[];
  /**
   * Refuses an entry with an error code, as EventBridge refuses some entries of a call
   * (`FailedEntryCount`): for tests of the publisher's handling of it.
   * @default none is refused
   */
  readonly refuse?: (entry: Entry, index: number) => string | undefined;
}

/** PutEvents' largest request (256 KB per call). */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * `npm start`'s EventBridge: the one action the publisher calls (`PutEvents`, JSON 1.1 as the SDK
 * sends it), so the publisher runs locally with its real SDK client. Each accepted entry becomes
 * the event EventBridge would deliver: an id, the whole-second time, the parsed detail.
 */
export function createLocalEventBus(options: LocalEventBusOptions): Server {
  if (options.file !== undefined) mkdirSync(dirname(options.file), { recursive: true });
  return createServer((req, res) => {
    handle(req, res, options).catch((error: unknown) => {
      answer(res, 500, { __type: 'InternalException', message: (error as Error).message });
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, options: LocalEventBusOptions) {
  if (!isLoopbackHost(req.headers.host, options.listenAddresses ?? [])) {
    return answer(res, 403, { __type: 'AccessDeniedException', message: 'Local requests only.' });
  }
  if (req.method !== 'POST' || req.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
    return answer(res, 400, {
      __type: 'UnknownOperationException',
      message: 'Only PutEvents is served here.',
    });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      return answer(res, 413, { __type: 'ValidationException', message: 'Too large.' });
    chunks.push(chunk as Buffer);
  }
  let entries: Entry[];
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries?: unknown };
    if (!Array.isArray(body.Entries) || body.Entries.length < 1 || body.Entries.length > 10)
      throw new Error();
    entries = body.Entries as Entry[];
  } catch {
    return answer(res, 400, { __type: 'ValidationException', message: 'Entries must list 1 to 10 entries.' });
  }
  const results = entries.map((entry, index) => {
    const refused = options.refuse?.(entry, index) ?? problemOf(entry, options.busName);
    if (refused !== undefined)
      return { ErrorCode: refused, ErrorMessage: `entry ${index} refused: ${refused}` };
    const event = deliveredEvent(entry);
    if (options.file !== undefined) appendFileSync(options.file, `${JSON.stringify(event)}\n`);
    options.onEvent?.(event);
    return { EventId: event.id };
  });
  return answer(res, 200, {
    FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length,
    Entries: results,
  });
}

function problemOf(entry: Entry, busName: string): string | undefined {
  if (entry.EventBusName !== busName) return 'ResourceNotFoundException';
  if (typeof entry.Source !== 'string' || typeof entry.DetailType !== 'string') return 'InvalidArgument';
  try {
    const detail = JSON.parse(String(entry.Detail)) as unknown;
    return typeof detail === 'object' && detail !== null && !Array.isArray(detail)
      ? undefined
      : 'MalformedDetail';
  } catch {
    return 'MalformedDetail';
  }
}

function deliveredEvent(entry: Entry): DeliveredEvent {
  // The SDK sends `Time` as epoch seconds; EventBridge uses its own clock when there is none.
  const seconds = typeof entry.Time === 'number' ? entry.Time : Date.now() / 1000;
  return {
    id: randomUUID(),
    source: String(entry.Source),
    'detail-type': String(entry.DetailType),
    time: new Date(Math.floor(seconds) * 1000).toISOString().replace('.000Z', 'Z'),
    detail: JSON.parse(String(entry.Detail)) as Record<string, unknown>,
  };
}

function answer(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify(body));
}
