import { startDynamoDbLocal } from '../../local/store/dynamodb-local';

/**
 * One DynamoDB Local for the whole run (its JVM takes seconds to start): every suite reaches it
 * through `TEST_DYNAMODB_ENDPOINT` and works in tables of its own, so suites never see each
 * other's data. `-sharedDb` makes the tables visible whatever credentials a client uses.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DYNAMODB_ENDPOINT !== undefined) return;
  const store = await startDynamoDbLocal({ port: 0 });
  process.env.TEST_DYNAMODB_ENDPOINT = `http://127.0.0.1:${store.port}`;
  (globalThis as { patsTestStore?: typeof store }).patsTestStore = store;
}
