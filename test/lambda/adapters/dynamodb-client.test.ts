import { isDynamoDbUnavailable } from '../../../lambda/adapters/dynamodb-client';

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

  it('counts any 5xx answer as unavailable', () => {
    expect(isDynamoDbUnavailable(named('SomethingNew', { $metadata: { httpStatusCode: 502 } }))).toBe(true);
  });

  it.each([
    ['a missing table', named('ResourceNotFoundException', { $metadata: { httpStatusCode: 400 } })],
    ['denied access', named('AccessDeniedException', { $metadata: { httpStatusCode: 400 } })],
    ['a validation error', named('ValidationException', { $metadata: { httpStatusCode: 400 } })],
    ['a message that only mentions a code in a longer word', named('Error', { message: 'XECONNREFUSEDX' })],
    ['a string', 'ECONNREFUSED'],
    ['null', null],
  ])('does not count %s (a 500 instead)', (_, error) => {
    expect(isDynamoDbUnavailable(error)).toBe(false);
  });
});
