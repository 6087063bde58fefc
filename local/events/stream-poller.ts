import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/** Where the poller has got to: the stream, and per shard the last record handled. */
interface Checkpoint {
  streamArn?: string;
  shards: Record<string, string>;
  /** Closed shards read to their end. */
  done: string[];
}

export interface StreamPollerOptions {
  /** The DynamoDB Local endpoint. */
  readonly endpoint: string;
  /** The table whose stream is read (the audit table). */
  readonly tableName: string;
  /** What Lambda's event source mapping would invoke: the publisher's handler. */
  readonly handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
  /** Kept across restarts (`LOCAL_DATA_DIR/stream-checkpoint.json`); in memory when absent. */
  readonly checkpointFile?: string | undefined;
  /** @default 500 */
  readonly intervalMs?: number;
  /** @default 100, as the stack's event source mapping */
  readonly batchSize?: number;
  /** Told what went wrong in a poll (the next poll tries again). */
  readonly onError?: (error: unknown) => void;
}

/**
 * Lambda's event source mapping for `npm start`: reads the audit table's stream shard by shard
 * (parents before children), hands each batch to the publisher's handler as Lambda would, and
 * honours `batchItemFailures`: what precedes the first failure is done, the rest is read again on
 * the next poll. Its checkpoint survives a restart, so it goes on from where it left off.
 */
export class StreamPoller {
  private readonly dynamoDb: DynamoDBClient;
  private readonly streams: DynamoDBStreamsClient;
  private checkpoint: Checkpoint;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(private readonly options: StreamPollerOptions) {
    const client = {
      endpoint: options.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      // A store that stops answering fails the poll, which the next one tries again.
      maxAttempts: 2,
      requestHandler: new NodeHttpHandler({
        connectionTimeout: 1000,
        requestTimeout: 5000,
        throwOnRequestTimeout: true,
      }),
    };
    this.dynamoDb = new DynamoDBClient(client);
    this.streams = new DynamoDBStreamsClient(client);
    this.checkpoint = readCheckpoint(options.checkpointFile);
  }

  /** Polls every `intervalMs` until `stop`. */
  start(): this {
    const tick = async () => {
      await this.poll();
      if (!this.stopped) this.timer = setTimeout(tick, this.options.intervalMs ?? 500);
    };
    this.timer = setTimeout(tick, 0);
    return this;
  }

  /** Polls until a poll finds nothing new: every record written so far has been handled. */
  async drain(maxPolls = 50): Promise<void> {
    for (let poll = 0; poll < maxPolls; poll += 1) if ((await this.poll()) === 0) return;
    throw new Error(`the stream still had records after ${maxPolls} polls`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.dynamoDb.destroy();
    this.streams.destroy();
  }

  /** One pass over every shard; the number of records handed to the handler. Never two at once. */
  poll(): Promise<number> {
    const previous = this.running ?? Promise.resolve(0);
    const next = previous
      .then(() => this.pollOnce())
      .catch((error: unknown) => {
        this.options.onError?.(error);
        return 0;
      });
    this.running = next;
    return next;
  }

  private async pollOnce(): Promise<number> {
    const { Table } = await this.dynamoDb.send(
      new DescribeTableCommand({ TableName: this.options.tableName }),
    );
    const streamArn = Table?.LatestStreamArn;
    if (streamArn === undefined) throw new Error(`table ${this.options.tableName} has no stream`);
    // A new stream (the table was made again) starts from its beginning.
    if (this.checkpoint.streamArn !== streamArn) this.checkpoint = { streamArn, shards: {}, done: [] };
    let handled = 0;
    const shards = await this.shards(streamArn);
    const known = new Set(shards.map((shard) => shard.ShardId));
    for (const shard of shards) {
      const id = shard.ShardId as string;
      if (this.checkpoint.done.includes(id)) continue;
      const parent = shard.ParentShardId;
      // A child waits until its parent is read to the end, so a PAT's records keep their order.
      if (parent !== undefined && known.has(parent) && !this.checkpoint.done.includes(parent)) continue;
      handled += await this.readShard(streamArn, id);
    }
    return handled;
  }

  private async shards(streamArn: string): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start !== undefined);
    return shards;
  }

  /** Reads a shard from its checkpoint until it has nothing more now; the records handled. */
  private async readShard(streamArn: string, shardId: string): Promise<number> {
    const after = this.checkpoint.shards[shardId];
    const { ShardIterator } = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: after === undefined ? 'TRIM_HORIZON' : 'AFTER_SEQUENCE_NUMBER',
        ...(after !== undefined ? { SequenceNumber: after } : {}),
      }),
    );
    let iterator = ShardIterator;
    let handled = 0;
    while (iterator !== undefined && !this.stopped) {
      const page = await this.streams.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: this.options.batchSize ?? 100 }),
      );
      const records = page.Records ?? [];
      if (records.length === 0) {
        if (page.NextShardIterator === undefined) this.save({ done: [...this.checkpoint.done, shardId] });
        return handled;
      }
      const event = { Records: records.map((record) => lambdaRecord(record, streamArn)) };
      const { batchItemFailures } = await this.options.handler(event);
      handled += records.length;
      const failed = batchItemFailures[0]?.itemIdentifier;
      // An identifier that names no record of the batch fails the whole batch, as in Lambda.
      const failedAt =
        failed === undefined
          ? records.length
          : Math.max(
              0,
              records.findIndex((record) => record.dynamodb?.SequenceNumber === failed),
            );
      const last = records[failedAt - 1];
      if (last?.dynamodb?.SequenceNumber !== undefined) {
        this.save({ shards: { ...this.checkpoint.shards, [shardId]: last.dynamodb.SequenceNumber } });
      }
      // A failure is read again on the next poll, as Lambda retries a batch.
      if (failed !== undefined) return handled;
      iterator = page.NextShardIterator;
    }
    return handled;
  }

  private save(change: Partial<Checkpoint>): void {
    this.checkpoint = { ...this.checkpoint, ...change };
    const file = this.options.checkpointFile;
    if (file === undefined) return;
    // Written whole, then renamed: a crash never leaves half a checkpoint.
    writeFileSync(`${file}.tmp`, JSON.stringify(this.checkpoint));
    renameSync(`${file}.tmp`, file);
  }
}

function readCheckpoint(file: string | undefined): Checkpoint {
  if (file === undefined || !existsSync(file)) return { shards: {}, done: [] };
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<Checkpoint>;
    return { streamArn: saved.streamArn, shards: saved.shards ?? {}, done: saved.done ?? [] };
  } catch {
    // Unreadable: start from the stream's beginning; consumers dedupe on detail.id.
    return { shards: {}, done: [] };
  }
}

/** A record of the DynamoDB Streams API as Lambda hands it to a function. */
function lambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const data = record.dynamodb;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime:
        data?.ApproximateCreationDateTime === undefined
          ? undefined
          : Math.floor(data.ApproximateCreationDateTime.getTime() / 1000),
      Keys: data?.Keys,
      NewImage: data?.NewImage,
      SequenceNumber: data?.SequenceNumber,
      SizeBytes: data?.SizeBytes,
      StreamViewType: data?.StreamViewType,
    } as DynamoDBRecord['dynamodb'],
  };
}
