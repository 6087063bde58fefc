import { randomUUID } from 'node:crypto';
import { TestDynamo } from '../../support/dynamodb';
import { getPatEvent, lambdaContext } from '../../support/events';
import { functionEnv, newTableName } from '../../support/harness';
import { TestIssuer } from '../../support/issuer';
import { LogCapture } from '../../support/logs';
import { patItem } from '../../support/pats';

/** The Lambda entry point itself: configuration from the environment, read once at import (init). */
describe('lambda/handlers/get-pat', () => {
  const savedEnv = process.env;
  const logs = new LogCapture();
  afterEach(() => {
    process.env = savedEnv;
    logs.stop();
  });

  it('fails at init with a message naming a missing variable', () => {
    process.env = { ...savedEnv, TABLE_NAME: 'pats', JWT_AUDIENCE: 'pats-api' };
    delete process.env.JWT_ISSUER;

    jest.isolateModules(() => {
      expect(() => require('../../../lambda/handlers/get-pat')).toThrow(/JWT_ISSUER is required/);
    });
  });

  it('serves a request with the configuration it read from the environment', async () => {
    const [dynamo, issuer] = await Promise.all([TestDynamo.start(), TestIssuer.start()]);
    try {
      const tableName = newTableName();
      await dynamo.createPatsTable(tableName);
      const workspaceId = randomUUID();
      const { item } = patItem(workspaceId);
      await dynamo.put(tableName, item);
      process.env = { ...savedEnv, ...functionEnv(dynamo, issuer, tableName) };
      logs.start();

      let handler: (event: unknown, context: unknown) => Promise<{ statusCode: number }> = async () => ({
        statusCode: 0,
      });
      jest.isolateModules(() => {
        handler = require('../../../lambda/handlers/get-pat').handler;
      });
      const result = await handler(
        getPatEvent({
          id: item.id,
          headers: { authorization: `Bearer ${issuer.token([workspaceId])}`, 'x-workspace-id': workspaceId },
        }),
        lambdaContext(),
      );

      expect(result.statusCode).toBe(200);
    } finally {
      await Promise.all([dynamo.stop(), issuer.stop()]);
    }
  });
});
