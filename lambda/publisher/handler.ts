import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { toAuditRecord } from '../adapters/audit-table-schema';
import type { EventBus } from '../adapters/event-bus';
import type { Logger } from '../adapters/json-logger';
import type { AuditRecord } from '../domain/audit';

export interface PublisherDependencies {
  readonly bus: EventBus;
  readonly logger: Logger;
}

/**
 * A batch of the audit table's stream to the bus, in order. Only inserts are records (TTL's
 * deletions are not changes of a PAT). On the first record that cannot be read or published,
 * the batch reports it as failed: Lambda retries from there (`ReportBatchItemFailures`), so
 * nothing after it overtakes it, and what was published before it is not sent again.
 */
export function createPublisherHandler(deps: PublisherDependencies) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const records: AuditRecord[] = [];
    const sequences: string[] = [];
    let unreadable: { sequence: string; error: string } | undefined;
    for (const streamRecord of event.Records) {
      if (streamRecord.eventName !== 'INSERT') continue;
      const sequence = streamRecord.dynamodb?.SequenceNumber ?? '';
      try {
        const image = streamRecord.dynamodb?.NewImage as Record<string, AttributeValue> | undefined;
        records.push(toAuditRecord(unmarshall(image ?? {})));
        sequences.push(sequence);
      } catch (error) {
        unreadable = { sequence, error: (error as Error).message };
        break;
      }
    }
    const { published, error } = await deps.bus.publish(records);
    const failedAt = published < records.length ? sequences[published] : unreadable?.sequence;
    const line = { received: event.Records.length, records: records.length, published };
    if (failedAt === undefined) {
      deps.logger.info('published', line);
      return { batchItemFailures: [] };
    }
    deps.logger.error('not published', {
      ...line,
      failedSequenceNumber: failedAt,
      error: published < records.length ? error : unreadable?.error,
    });
    return { batchItemFailures: [{ itemIdentifier: failedAt }] };
  };
}
