import type { RunningDynamoDbLocal } from '../../local/store/dynamodb-local';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { patsTestStore?: RunningDynamoDbLocal }).patsTestStore?.close();
}
