/**
 * The one family of errors the service answers with. Each carries the HTTP status and the stable
 * `code` of the contract; `lambda/http/error-response.ts` is the only place that turns them into
 * responses. Anything thrown that is not an `ApiError` becomes a generic 500, so an unexpected
 * message can never reach a client.
 */
export abstract class ApiError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Why a bearer credential was refused; drives the `WWW-Authenticate` challenge (RFC 6750). */
export interface UnauthorizedDetails {
  /** False when the request carried no bearer credential at all: the challenge then names no error. */
  readonly credentialsSent: boolean;
  /** A fixed, secret-free phrase for `error_description`; never derived from the token. */
  readonly description?: string;
}

export class UnauthorizedError extends ApiError {
  readonly status = 401;
  readonly code = 'unauthorized';
  readonly credentialsSent: boolean;
  readonly description: string | undefined;
  /** A coarse reason class for logs and metrics (never the token itself). */
  readonly reason: string;

  constructor(
    message: string,
    details: UnauthorizedDetails & { reason: string },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.credentialsSent = details.credentialsSent;
    this.description = details.description;
    this.reason = details.reason;
  }
}

export class InvalidWorkspaceIdError extends ApiError {
  readonly status = 400;
  readonly code = 'invalid_workspace_id';
  constructor() {
    super('The X-Workspace-Id header must be a workspace UUID.');
  }
}

export class InvalidPatIdError extends ApiError {
  readonly status = 400;
  readonly code = 'invalid_pat_id';
  constructor() {
    super('The path parameter id must be a personal access token UUID.');
  }
}

export class ForbiddenError extends ApiError {
  readonly status = 403;
  readonly code = 'forbidden';
  constructor() {
    super('Your token does not grant access to this workspace.');
  }
}

export class PatNotFoundError extends ApiError {
  readonly status = 404;
  readonly code = 'not_found';
  constructor() {
    // One message for "does not exist" and "belongs to another workspace": the two must be
    // indistinguishable, or the 404 would reveal which ids exist elsewhere.
    super('No personal access token with this id exists in this workspace.');
  }
}

/** A dependency (the issuer's keys, DynamoDB) is unavailable; the client may retry. */
export class ServiceUnavailableError extends ApiError {
  readonly status = 503;
  readonly code = 'service_unavailable';
  readonly retryAfterSeconds: number;
  /** Which dependency failed, for logs only. */
  readonly dependency: 'jwks' | 'dynamodb';

  constructor(dependency: 'jwks' | 'dynamodb', retryAfterSeconds: number, options?: { cause?: unknown }) {
    super('The service is temporarily unavailable. Retry later.', options);
    this.dependency = dependency;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * Something that should not happen did: a stored item that breaks the schema, a missing table.
 * The message is for the logs; clients only ever see the generic 500 body.
 */
export class InternalError extends ApiError {
  readonly status = 500;
  readonly code = 'internal_error';
}

/** A stored PAT item lacks a required attribute or has one of the wrong type. */
export class CorruptPatItemError extends InternalError {
  readonly key: { readonly workspaceId: string; readonly id: string };
  readonly problems: readonly string[];

  constructor(key: { workspaceId: string; id: string }, problems: readonly string[]) {
    super(`Stored PAT item is invalid: ${problems.join('; ')}`);
    this.key = key;
    this.problems = problems;
  }
}
