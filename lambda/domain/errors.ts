/**
 * The one family of errors the service answers with. Each carries its response (`statusCode`,
 * `expose`, `headers`, body), as Middy's `http-error-handler` reads errors, so the one mapping in
 * `http/responses.ts` needs no list of classes; anything not exposed becomes the generic 500.
 */
export abstract class ApiError extends Error {
  abstract readonly statusCode: number;
  /** The contract's stable `code`. */
  abstract readonly code: string;
  /** False for server-side failures: the client then gets the generic 500 body. */
  readonly expose: boolean = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /** Headers the response must carry besides the defaults (a challenge, `Retry-After`). */
  get headers(): Readonly<Record<string, string>> {
    return {};
  }

  /** The JSON body: `{code, message}` unless an error says more. */
  body(): Record<string, unknown> {
    return { code: this.code, message: this.message };
  }

  /** Fields the request's log line adds for this error (coarse, secret-free classes only). */
  logFields(): Readonly<Record<string, unknown>> {
    return {};
  }
}

/** The realm of every `WWW-Authenticate` challenge (RFC 6750). */
export const REALM = 'pats-api';

/**
 * Why a bearer credential was refused; drives the `WWW-Authenticate` challenge (RFC 6750). A
 * request without a bearer credential gets a challenge naming no error; a refused credential's
 * challenge always says why.
 */
export type UnauthorizedDetails =
  | {
      readonly credentialsSent: false;
      /** A coarse reason class for logs and metrics (never the token itself). */
      readonly reason: string;
    }
  | {
      readonly credentialsSent: true;
      /** A fixed, secret-free phrase for `error_description`; never derived from the token. */
      readonly description: string;
      readonly reason: string;
    };

export class UnauthorizedError extends ApiError {
  readonly statusCode = 401;
  readonly code = 'unauthorized';
  readonly details: UnauthorizedDetails;

  constructor(message: string, details: UnauthorizedDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.details = details;
  }

  get reason(): string {
    return this.details.reason;
  }

  override get headers() {
    if (!this.details.credentialsSent) return { 'www-authenticate': `Bearer realm="${REALM}"` };
    // Descriptions are fixed phrases from this codebase, never token text, so no quoting is needed.
    return {
      'www-authenticate': `Bearer realm="${REALM}", error="invalid_token", error_description="${this.details.description}"`,
    };
  }

  override logFields() {
    return { reason: this.reason };
  }
}

abstract class FixedError extends ApiError {
  protected constructor(message: string) {
    super(message);
  }
}

export class InvalidWorkspaceIdError extends FixedError {
  readonly statusCode = 400;
  readonly code = 'invalid_workspace_id';
  constructor() {
    super('The X-Workspace-Id header must be a workspace UUID.');
  }
}

export class InvalidPatIdError extends FixedError {
  readonly statusCode = 400;
  readonly code = 'invalid_pat_id';
  constructor() {
    super('The path parameter id must be a personal access token UUID.');
  }
}

export class InvalidQueryError extends ApiError {
  readonly statusCode = 400;
  readonly code = 'invalid_query';
}

export class InvalidCursorError extends FixedError {
  readonly statusCode = 400;
  readonly code = 'invalid_cursor';
  constructor() {
    super('The cursor was not made by this service for this workspace: start again without it.');
  }
}

export class UnsupportedMediaTypeError extends FixedError {
  readonly statusCode = 415;
  readonly code = 'unsupported_media_type';
  constructor() {
    super('The body must be JSON, sent with Content-Type: application/json.');
  }
}

export class PayloadTooLargeError extends ApiError {
  readonly statusCode = 413;
  readonly code = 'payload_too_large';
  constructor(maxBytes: number) {
    super(`The body must be at most ${maxBytes} bytes.`);
  }
}

/** One problem of a request body: where (a JSON pointer, RFC 6901) and what. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** A body that is not valid JSON or breaks the schema; lists every problem, the first in `message`. */
export class InvalidBodyError extends ApiError {
  readonly statusCode = 400;
  readonly code = 'invalid_body';
  readonly errors: readonly FieldProblem[];

  constructor(errors: readonly [FieldProblem, ...FieldProblem[]]) {
    const [first] = errors;
    super(first.field === '' ? first.message : `${first.field}: ${first.message}`);
    this.errors = errors;
  }

  override body() {
    return { code: this.code, message: this.message, errors: this.errors.map((e) => ({ ...e })) };
  }
}

export class ForbiddenError extends FixedError {
  readonly statusCode = 403;
  readonly code = 'forbidden';
  constructor() {
    super('Your token does not grant access to this workspace.');
  }
}

export class PatNotFoundError extends FixedError {
  readonly statusCode = 404;
  readonly code = 'not_found';
  constructor() {
    // One message for "does not exist" and "belongs to another workspace": the two must be
    // indistinguishable, or the 404 would reveal which ids exist elsewhere.
    super('No personal access token with this id exists in this workspace.');
  }
}

export class LimitExceededError extends ApiError {
  readonly statusCode = 409;
  readonly code = 'limit_exceeded';
  constructor(limit: number) {
    super(
      `This workspace already has ${limit} personal access tokens, the most it may have: revoke one first.`,
    );
  }
}

/** A PAT past its expiry cannot be rotated into a working one: create a new PAT instead. */
export class PatExpiredError extends FixedError {
  readonly statusCode = 409;
  readonly code = 'pat_expired';
  constructor() {
    super('This personal access token has expired and cannot be rotated: create a new one.');
  }
}

/** Every scope of the PAT is one the policy no longer allows: its successor could do nothing. */
export class ScopesRetiredError extends FixedError {
  readonly statusCode = 409;
  readonly code = 'scopes_retired';
  constructor() {
    super(
      'Every scope of this personal access token has been retired: create a new one with current scopes.',
    );
  }
}

/** A dependency (the issuer's keys, DynamoDB) is unavailable; the client may retry. */
export class ServiceUnavailableError extends ApiError {
  readonly statusCode = 503;
  readonly code = 'service_unavailable';
  readonly retryAfterSeconds: number;
  /** Which dependency failed, for logs only. */
  readonly dependency: 'jwks' | 'dynamodb';

  constructor(dependency: 'jwks' | 'dynamodb', retryAfterSeconds: number, options?: { cause?: unknown }) {
    super('The service is temporarily unavailable. Retry later.', options);
    this.dependency = dependency;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  override get headers() {
    return { 'retry-after': String(this.retryAfterSeconds) };
  }

  override logFields() {
    return { dependency: this.dependency };
  }
}

/**
 * Something that should not happen did: a stored item that breaks the schema, a missing table.
 * The message is for the logs; clients only ever see the generic 500 body.
 */
export class InternalError extends ApiError {
  readonly statusCode = 500;
  readonly code = 'internal_error';
  override readonly expose = false;
}

/** A stored PAT item (or audit record) lacks a required attribute or has one of the wrong type. */
export class CorruptPatItemError extends InternalError {
  readonly key: { readonly workspaceId: string; readonly id: string };
  readonly problems: readonly string[];

  constructor(
    key: { workspaceId: string; id: string },
    problems: readonly string[],
    what: 'PAT item' | 'audit record' = 'PAT item',
  ) {
    super(`Stored ${what} is invalid: ${problems.join('; ')}`);
    this.key = key;
    this.problems = problems;
  }

  override logFields() {
    return { key: this.key, problems: this.problems };
  }
}
