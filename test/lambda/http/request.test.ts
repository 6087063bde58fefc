import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { header } from '../../../lambda/http/request';

const event = (headers: Record<string, string> | undefined) =>
  ({ headers }) as unknown as APIGatewayProxyEventV2;

describe('header', () => {
  it('reads a lower-case header as API Gateway sends it', () => {
    expect(header(event({ authorization: 'a' }), 'authorization')).toBe('a');
  });

  it('reads a header of a hand-written event in any case', () => {
    expect(header(event({ 'X-Workspace-Id': 'w' }), 'x-workspace-id')).toBe('w');
  });

  it('answers undefined for a missing header or an event without headers', () => {
    expect(header(event({ other: 'o' }), 'authorization')).toBeUndefined();
    expect(header(event(undefined), 'authorization')).toBeUndefined();
  });
});
