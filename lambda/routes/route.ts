import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { CONTEXT_ONLY_SETTINGS } from '../config/schema';
import type { Groups } from '../config/setting';
import type { AuditEvent } from '../domain/audit';
import type { CredentialContext } from '../domain/authorize';
import type { HttpDependencies } from '../http/pipeline';
import type { HttpResult } from '../http/responses';
import type { ManagementRoute } from './management';

/**
 * What a function and a route are, as plain data that the stack, the local gateway, the sample
 * events and the benchmarks read; the credential route here and the management route of
 * `management.ts` are the two kinds a route module defines with its binding. Only types and pure
 * code are imported, so the CDK app loads a route without Middy or the AWS SDK.
 */
export type DynamoDbAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:Query'
  | 'dynamodb:Scan'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem';

/** The stack's tables: the PATs (with their counters) and the audit records. */
export type TableName = 'pats' | 'audit';

/**
 * Actions a function may call on a table (or one of its indexes). `attributes` limits what they
 * may read or write (IAM's `dynamodb:Attributes`); a read must then name them (`reads`), so it can
 * never fetch `tokenHash`.
 */
export interface TableGrant {
  /** @default 'pats' */
  readonly table?: TableName;
  /** An index of the table instead of the table itself. */
  readonly index?: string;
  readonly actions: readonly DynamoDbAction[];
  readonly attributes?: readonly string[];
  /** Only items of these partition keys (IAM's `dynamodb:LeadingKeys`). */
  readonly leadingKeys?: readonly string[];
  readonly reads?: boolean;
}

/** A Lambda function of the stack. */
export interface FunctionDefinition {
  /** camelCase; its handler module is `lambda/handlers/<kebab-case>.ts`, its construct id capitalized. */
  readonly name: string;
  /** The function's description. */
  readonly summary: string;
  /** The settings groups it reads: what its environment is written from. */
  readonly settings: Groups;
  readonly table: readonly TableGrant[];
  /** Its weight in the stage's reserved concurrency, shared out among all functions by weight. */
  readonly concurrencyWeight: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A sample event of `events/` for the route: `<handler module>-<status>[-<label>].json`. */
export interface SampleDefinition {
  /** The status the route answers the sample with. */
  readonly status: number;
  /** Tells two samples of one status apart. */
  readonly label?: string;
  /** The PAT the path names; `revocable` and `rotatable` are used up by the sample. */
  readonly pat?: 'demo' | 'missing' | 'revocable' | 'rotatable';
  readonly workspace?: 'demo' | 'other';
  readonly query?: Readonly<Record<string, string>>;
  /** The PAT the query's `patId` names. */
  readonly patQuery?: 'demo' | 'missing';
  readonly body?: unknown;
  /**
   * `pat`: the Authorization header holds a PAT, which a management route refuses (401); behind
   * the credential authorizer, the event carries what it hands a PAT. @default 'jwt'
   */
  readonly credential?: 'jwt' | 'pat';
}

export interface RouteDefinition extends FunctionDefinition {
  readonly method: HttpMethod;
  /** API Gateway's `{param}` syntax. */
  readonly path: string;
  /**
   * `jwt`: API Gateway's JWT authorizer, and the function verifies the JWT again. `credential`:
   * the credential authorizer (a PAT or a JWT), which hands the function what it verified.
   */
  readonly authorizer: 'jwt' | 'credential';
  /** The PAT scopes the route needs (credential routes); a JWT is not limited by them. @default [] */
  readonly scopes?: readonly string[];
  /** Whether the route reads a JSON body (CORS then allows `Content-Type`). */
  readonly body: 'none' | 'required' | 'optional';
  readonly samples: readonly SampleDefinition[];
}

/** What a route did: its response and, for a write, the audit event. */
export interface RouteOutcome {
  readonly response: HttpResult;
  readonly audit?: AuditEvent;
}

/** A route behind the credential authorizer: it acts on what the authorizer vouched for, nothing else. */
export interface CredentialRoute<Name extends string = string> extends RouteDefinition {
  readonly kind: 'credential';
  readonly name: Name;
  readonly run: (
    call: { readonly credential: CredentialContext; readonly event: APIGatewayProxyEventV2 },
    deps: HttpDependencies,
  ) => Promise<RouteOutcome>;
}

export type Route = ManagementRoute | CredentialRoute;

/** What the factory of a kind of route fills in. */
export type Defined = 'settings' | 'authorizer' | 'body';

/** A route behind the credential authorizer; it reads no setting but the log level. */
export function credentialRoute<const Name extends string>(
  spec: Omit<RouteDefinition, Defined> & Pick<CredentialRoute, 'run'> & { readonly name: Name },
): CredentialRoute<Name> {
  return {
    body: 'none',
    ...spec,
    kind: 'credential',
    authorizer: 'credential',
    settings: CONTEXT_ONLY_SETTINGS,
  };
}

/** `getPat` → `get-pat`: the handler module, and the prefix of the route's sample events. */
export const entryOf = (fn: Pick<FunctionDefinition, 'name'>) =>
  fn.name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/** `GET /api/v1/pats/{id}`: API Gateway's route key. */
export const routeKey = (route: Pick<RouteDefinition, 'method' | 'path'>) => `${route.method} ${route.path}`;
