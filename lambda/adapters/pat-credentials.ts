import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PatCredential, PatCredentials } from '../domain/ports';
import { DynamoDbCalls, type DynamoDbCallsProps } from './dynamodb-client';
import { getPat, touchLastUsed } from './pat-commands';
import { CREDENTIAL_PROJECTION, toPatCredential } from './pats-table-schema';

export interface DynamoDbPatCredentialsProps
  extends Omit<DynamoDbCallsProps, 'transactionAttempts' | 'backoff'> {
  readonly tableName: string;
}

/** The credential authorizer's view of the PAT table: the one reader of `tokenHash`. */
export class DynamoDbPatCredentials implements PatCredentials {
  private readonly calls: DynamoDbCalls;
  private readonly tableName: string;

  constructor(props: DynamoDbPatCredentialsProps) {
    this.calls = new DynamoDbCalls(props);
    this.tableName = props.tableName;
  }

  async findCredential(workspaceId: string, id: string): Promise<PatCredential | undefined> {
    const key = { workspaceId, id };
    const { Item: item } = await this.calls.send((client) =>
      client.send(new GetCommand(getPat(this.tableName, key, CREDENTIAL_PROJECTION))),
    );
    return item === undefined ? undefined : toPatCredential(item, key);
  }

  async touchLastUsed(workspaceId: string, id: string, now: string, notBefore: string): Promise<boolean> {
    try {
      await this.calls.send((client) =>
        client.send(new UpdateCommand(touchLastUsed(this.tableName, { workspaceId, id }, now, notBefore))),
      );
      return true;
    } catch (error) {
      if ((error as { name?: unknown }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
