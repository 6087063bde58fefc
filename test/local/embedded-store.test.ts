import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startEmbeddedStore } from '../../local/embedded-store';
import type { RunningDynamoDbLocal } from '../../local/store/dynamodb-local';
import { rawRequest } from '../support/http';

/**
 * The store of `npm start` (DynamoDB Local behind `LoopbackDynamoDbLocal.java`), started as
 * `npm start` starts it, on two loopback addresses standing in for "loopback + the Docker bridge".
 * What must hold: the AWS SDK on loopback works; a web page (any Origin, any preflight) and a
 * DNS-rebinding page (a foreign Host) get nothing; no address but the listed ones is open.
 */
jest.setTimeout(60_000);

let store: RunningDynamoDbLocal;
const SIGNED =
  'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00';

beforeAll(async () => {
  store = await startEmbeddedStore({
    port: 0,
    hosts: ['127.0.0.1', '127.0.0.2'],
    dataDir: '',
    inMemory: true,
  });
});
afterAll(async () => {
  await store.close();
});

function scan(address: string, headers: Record<string, string>, method = 'POST') {
  const lines = [
    `${method} / HTTP/1.1`,
    ...Object.entries({
      Host: `localhost:${store.port}`,
      'X-Amz-Target': 'DynamoDB_20120810.ListTables',
      'Content-Type': 'application/x-amz-json-1.0',
      Authorization: SIGNED,
      'Content-Length': '2',
      Connection: 'close',
      ...headers,
    }).map(([name, value]) => `${name}: ${value}`),
  ];
  return rawRequest(store.port, `${lines.join('\r\n')}\r\n\r\n{}`, { host: address });
}

describe('the embedded store', () => {
  it('serves the AWS SDK on loopback, as the README shows', async () => {
    const client = new DynamoDBClient({
      endpoint: store.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'anything', secretAccessKey: 'anything' },
    });
    try {
      await expect(client.send(new ListTablesCommand({}))).resolves.toMatchObject({ TableNames: [] });
    } finally {
      client.destroy();
    }
  });

  it('refuses a request addressed to a foreign host name (DNS rebinding)', async () => {
    const answer = await scan('127.0.0.1', { Host: `attacker.example:${store.port}` });

    expect(answer.status).toBe(403);
    expect(answer.body).toContain('AccessDeniedException');
    expect(answer.body).not.toContain('TableNames');
  });

  it('refuses a web page: a request with an Origin header gets no data and no CORS grant', async () => {
    const answer = await scan('127.0.0.1', { Origin: 'https://attacker.example' });

    expect(answer.status).toBe(403);
    expect(answer.body).not.toContain('TableNames');
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('grants no CORS preflight', async () => {
    const answer = await scan(
      '127.0.0.1',
      {
        Origin: 'http://localhost:3000',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'x-amz-target,content-type,authorization',
      },
      'OPTIONS',
    );

    expect(answer.status).toBe(403);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(answer.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('answers on every listed address, and on no other', async () => {
    const listed = await scan('127.0.0.2', { Host: `127.0.0.2:${store.port}` });
    const unlisted = await scan('127.0.0.3', {}).then(
      (answer) => `answered ${answer.status}`,
      (error: Error) => error.message,
    );

    expect(listed.status).toBe(200);
    expect(listed.body).toContain('TableNames');
    expect(unlisted).toMatch(/ECONNREFUSED/);
  });
});
