import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDbCalls } from './dynamodb-client';
import { getCounter, listPatIds, setExactCount } from './pat-commands';
import { WORKSPACE_COUNTER } from './pats-table-schema';

/** Tries of a count that concurrent writers keep changing, before giving up with an error. */
const ATTEMPTS = 5;

/**
 * The workspace's count of PAT items, made exact from the items themselves when it is not: the
 * first write after PATs were stored without it (before the counter existed, or by a version that
 * counted without this mark). Every write that changes the count requires the mark, so while the
 * items are counted none of them can change, and the count taken is the true one.
 */
export class WorkspaceCounter {
  constructor(
    private readonly calls: DynamoDbCalls,
    private readonly tableName: string,
  ) {}

  /** The workspace's exact count of PAT items, counted from the items first when it is not exact. */
  async exactCount(workspaceId: string): Promise<number> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      const { Item: counter } = await this.calls.send((client) =>
        client.send(new GetCommand(getCounter(this.tableName, workspaceId))),
      );
      const seen = counter?.[WORKSPACE_COUNTER.countAttribute] as number | undefined;
      if (counter?.[WORKSPACE_COUNTER.exactAttribute] === true) return seen ?? 0;
      const count = await this.countItems(workspaceId);
      try {
        await this.calls.send((client) =>
          client.send(new UpdateCommand(setExactCount(this.tableName, workspaceId, count, seen))),
        );
        return count;
      } catch (error) {
        // Another writer counted first, or a writer of an earlier version changed the count.
        if ((error as { name?: unknown }).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    throw new Error(`the PAT count of workspace ${workspaceId} kept changing while it was counted`);
  }

  private async countItems(workspaceId: string): Promise<number> {
    let count = 0;
    let startId: string | undefined;
    do {
      const page = await this.calls.send((client) =>
        client.send(new QueryCommand(listPatIds(this.tableName, workspaceId, startId))),
      );
      count += page.Items?.length ?? 0;
      startId = page.LastEvaluatedKey?.id as string | undefined;
    } while (startId !== undefined);
    return count;
  }
}
