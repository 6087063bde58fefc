import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { CredentialContext } from '../domain/authorize';
import { UnauthorizedError } from '../domain/errors';

/**
 * The credential the authorizer vouched for, read from a route's payload 2.0 event: the one check
 * every route behind `PatAuthorizer` makes, this project's and other stacks' alike. API Gateway may
 * serve a cached allow after the credential expired, so an expired one is refused here. Throws an
 * `UnauthorizedError` (401, `statusCode`, `headers`, `body()`) when there is no such credential.
 */
export function credentialOf(event: APIGatewayProxyEventV2, now: number = Date.now()): CredentialContext {
  const context = (event.requestContext as { authorizer?: { lambda?: Record<string, unknown> } }).authorizer
    ?.lambda;
  const text = (keys: readonly string[]) => keys.every((key) => typeof context?.[key] === 'string');
  const credential =
    (context?.tokenType === 'pat' &&
      text(['subject', 'workspaceId', 'patId', 'name', 'expiresAt', 'scopes'])) ||
    (context?.tokenType === 'user' && text(['subject', 'workspaces', 'expiresAt']))
      ? (context as CredentialContext)
      : undefined;
  if (credential === undefined) {
    throw new UnauthorizedError('This route is reached through the credential authorizer only.', {
      credentialsSent: false,
      reason: 'no_authorizer',
    });
  }
  // A date that does not parse is NaN, and refused like a past one.
  if (!(Date.parse(credential.expiresAt) > now)) {
    throw new UnauthorizedError('The credential has expired.', {
      credentialsSent: true,
      description: 'The credential expired',
      reason: 'expired',
    });
  }
  return credential;
}
