import {
  createDocumentClient,
  dynamoDbTimeBudgetMs,
  isDynamoDbUnavailable,
} from '../../../lambda/adapters/dynamodb-client';
import type { DynamoDbSettings } from '../../../lambda/config';

const settings: DynamoDbSettings = {
  endpoint: undefined,
  region: undefined,
  maxAttempts: 3,
  connectTimeoutMs: 500,
  requestTimeoutMs: 1500,
};

describe('createDocumentClient', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('gives a local endpoint placeholder credentials and a region, so no AWS set-up is needed', async () => {
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    const client = createDocumentClient({ ...settings, endpoint: 'http://127.0.0.1:8000' });

    expect(await client.config.region()).toBe('us-east-1');
    expect(await client.config.credentials()).toMatchObject({
      accessKeyId: 'local',
      secretAccessKey: 'local',
    });
  });

  it('keeps the configured region for a local endpoint', async () => {
    const client = createDocumentClient({
      ...settings,
      endpoint: 'http://127.0.0.1:8000',
      region: 'eu-west-1',
    });

    expect(await client.config.region()).toBe('eu-west-1');
  });

  it('on AWS, takes the configured region and the credentials of the environment', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const client = createDocumentClient({ ...settings, region: 'eu-central-1' });

    expect(await client.config.region()).toBe('eu-central-1');
    expect(await client.config.credentials()).toMatchObject({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE' });
  });
});

const named = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error('x'), { name, ...extra });

describe('isDynamoDbUnavailable', () => {
  it.each([
    'ProvisionedThroughputExceededException',
    'ThrottlingException',
    'RequestLimitExceeded',
    'InternalServerError',
    'ServiceUnavailable',
    'TimeoutError',
    'RequestTimeout',
    'RequestTimeoutException',
  ])('counts %s as unavailable (503)', (name) => {
    expect(isDynamoDbUnavailable(named(name))).toBe(true);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'])(
    'counts the socket error %s as unavailable, by code or inside a re-wrapped message',
    (code) => {
      expect(isDynamoDbUnavailable(named('Error', { code }))).toBe(true);
      expect(
        isDynamoDbUnavailable(
          named('Error', { message: `AWS SDK error wrapper for Error: connect ${code} 1.2.3.4:443` }),
        ),
      ).toBe(true);
    },
  );

  it.each([500, 502, 599])('counts any 5xx answer as unavailable (%i)', (httpStatusCode) => {
    expect(isDynamoDbUnavailable(named('SomethingNew', { $metadata: { httpStatusCode } }))).toBe(true);
  });

  it.each([
    ['a missing table', named('ResourceNotFoundException', { $metadata: { httpStatusCode: 400 } })],
    ['denied access', named('AccessDeniedException', { $metadata: { httpStatusCode: 400 } })],
    ['a validation error', named('ValidationException', { $metadata: { httpStatusCode: 400 } })],
    ['a message that only mentions a code in a longer word', named('Error', { message: 'XECONNREFUSEDX' })],
    ['a socket error of another kind', named('Error', { code: 'EACCES' })],
    ['an error with no status', named('SomethingNew')],
    ['a string', 'ECONNREFUSED'],
    ['null', null],
  ])('does not count %s (a 500 instead)', (_, error) => {
    expect(isDynamoDbUnavailable(error)).toBe(false);
  });
});

describe('dynamoDbTimeBudgetMs', () => {
  it('adds every attempt timeouts and the capped backoff between them', () => {
    expect(
      dynamoDbTimeBudgetMs({
        endpoint: undefined,
        region: undefined,
        maxAttempts: 3,
        connectTimeoutMs: 500,
        requestTimeoutMs: 1500,
      }),
    ).toBe(3 * 2000 + 1000 + 2000);
  });
});
