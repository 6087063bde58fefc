import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type AuditRecord, EVENT_SOURCE } from '../domain/audit';

/** PutEvents takes at most 10 entries per call. */
const ENTRIES_PER_CALL = 10;

/** Where the records go as events: EventBridge, or `npm start`'s local bus that speaks its API. */
export interface EventBus {
  /**
   * Publishes `records` in order and returns how many were accepted before the first that was
   * not: the records after it are not sent, so a retry from there keeps their order.
   */
  publish(records: readonly AuditRecord[]): Promise<{ readonly published: number; readonly error?: string }>;
}

/** A record's event: `detail-type` its action, `detail` the record, `time` to whole seconds as AWS writes it. */
export function eventEntry(record: AuditRecord, busName: string): PutEventsRequestEntry {
  return {
    EventBusName: busName,
    Source: EVENT_SOURCE,
    DetailType: record.action,
    Detail: JSON.stringify(record),
    Time: new Date(Math.floor(Date.parse(record.occurredAt) / 1000) * 1000),
  };
}

export interface EventBridgeBusProps {
  readonly busName: string;
  /** A local EventBridge; unset on AWS, where the SDK takes the region from Lambda's environment. */
  readonly endpoint?: string | undefined;
  /** @default a client with explicit attempts and timeouts that throw */
  readonly client?: EventBridgeClient;
}

export class EventBridgeBus implements EventBus {
  private readonly client: EventBridgeClient;
  private readonly busName: string;

  constructor(props: EventBridgeBusProps) {
    this.busName = props.busName;
    this.client = props.client ?? createEventBridgeClient(props.endpoint);
  }

  async publish(records: readonly AuditRecord[]) {
    let published = 0;
    for (const chunk of callsOf(records)) {
      let output: PutEventsCommandOutput;
      try {
        output = await this.client.send(
          new PutEventsCommand({ Entries: chunk.map((record) => eventEntry(record, this.busName)) }),
        );
      } catch (error) {
        return { published, error: `${(error as Error).name}: ${(error as Error).message}` };
      }
      if ((output.FailedEntryCount ?? 0) > 0) {
        // EventBridge may refuse some entries of a call and accept others: the first refused one
        // is where the retry starts (the accepted ones after it are sent again; consumers dedupe).
        const failed = (output.Entries ?? []).findIndex((entry) => entry.ErrorCode !== undefined);
        const at = Math.max(failed, 0);
        const entry = output.Entries?.[at];
        return { published: published + at, error: `${entry?.ErrorCode}: ${entry?.ErrorMessage}` };
      }
      published += chunk.length;
    }
    return { published };
  }
}

/**
 * The records in PutEvents calls of at most 10, in order, no call holding two records of one PAT:
 * EventBridge may accept an entry of a call after refusing an earlier one, which must never put a
 * PAT's later change ahead of its earlier one.
 */
function callsOf(records: readonly AuditRecord[]): AuditRecord[][] {
  const calls: AuditRecord[][] = [];
  let call: AuditRecord[] = [];
  let pats = new Set<string>();
  for (const record of records) {
    const named = [record.patId, ...(record.newPatId !== undefined ? [record.newPatId] : [])];
    if (call.length === ENTRIES_PER_CALL || named.some((id) => pats.has(id))) {
      calls.push(call);
      call = [];
      pats = new Set();
    }
    call.push(record);
    for (const id of named) pats.add(id);
  }
  if (call.length > 0) calls.push(call);
  return calls;
}

/**
 * The EventBridge client: a few attempts with timeouts that really throw, so a hung call ends well
 * inside the function's timeout; a local endpoint gets placeholder credentials, as DynamoDB's does.
 */
function createEventBridgeClient(endpoint: string | undefined): EventBridgeClient {
  const agentOptions = { keepAlive: true, maxSockets: 10 };
  return new EventBridgeClient({
    ...(endpoint !== undefined
      ? { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 1000,
      requestTimeout: 3000,
      throwOnRequestTimeout: true,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
    }),
  });
}
