import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { AUDIT_RECORD_ATTRIBUTES, STORED_AUDIT_ATTRIBUTES } from '../adapters/audit-table-schema';
import {
  COUNTER_ATTRIBUTES,
  EXPIRY_INDEX,
  READABLE_PAT_ATTRIBUTES,
  STORED_PAT_ATTRIBUTES,
} from '../adapters/pats-table-schema';
import { MANAGEMENT_SETTINGS } from '../config/schema';
import type { AuditRecords } from '../domain/audit';
import { type CursorKind, decodeCursor } from '../domain/cursor';
import { InvalidQueryError } from '../domain/errors';
import type { PatPolicy } from '../domain/pat-policy';
import type { PatRepository, Principal, RandomBytes } from '../domain/ports';
import type { UuidV7Generator } from '../domain/uuid';
import type { AuditTrail } from '../http/invocation';
import type { ManagementDependencies } from '../http/pipeline';
import type { Defined, RouteDefinition, RouteOutcome, TableGrant } from './route';

/* The PAT management routes (a user JWT, `X-Workspace-Id`): their kind of route and what they share. */

/** What a PAT management route needs: the pipeline's dependencies, the stores, and minting. */
export interface PatRouteDependencies extends ManagementDependencies {
  readonly repository: PatRepository;
  readonly auditRecords: AuditRecords;
  readonly policy: PatPolicy;
  readonly random: RandomBytes;
  readonly ids: Pick<UuidV7Generator, 'next'>;
}

interface ReadContext {
  readonly workspaceId: string;
  readonly trail: AuditTrail;
  readonly deps: PatRouteDependencies;
}
type Call = { readonly principal: Principal; readonly workspaceId: string };

/**
 * A management route (JWT, `X-Workspace-Id`): `prepare` checks what the request itself carries
 * (the contract's steps 3 and 4) and returns the operation (step 6), which the pipeline runs once
 * the grant (step 5) holds.
 */
export interface ManagementRoute<Name extends string = string> extends RouteDefinition {
  readonly kind: 'management';
  readonly settings: typeof MANAGEMENT_SETTINGS;
  readonly name: Name;
  readonly prepare: (
    event: APIGatewayProxyEventV2,
    context: ReadContext,
  ) => (call: Call) => Promise<RouteOutcome>;
}

/** A management route from its definition and its binding: `read` the request, `run` the operation. */
export function managementRoute<const Name extends string, Input>(
  spec: Omit<RouteDefinition, Defined> & {
    readonly name: Name;
    /** @default 'none' */
    readonly body?: RouteDefinition['body'];
    readonly read: (event: APIGatewayProxyEventV2, context: ReadContext) => Input;
    readonly run: (
      call: Call & { readonly input: Input },
      deps: PatRouteDependencies,
    ) => Promise<RouteOutcome>;
  },
): ManagementRoute<Name> {
  const { read, run, ...definition } = spec;
  return {
    body: 'none',
    ...definition,
    kind: 'management',
    authorizer: 'jwt',
    settings: MANAGEMENT_SETTINGS,
    prepare: (event, context) => {
      const input = read(event, context);
      return (call) => run({ ...call, input }, context.deps);
    },
  };
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * A list's `limit` and `cursor`, checked as request syntax (step 4): a cursor of another
 * workspace, or of another list, is refused before the grant.
 */
export function pageOf(
  query: { readonly limit?: string | undefined; readonly cursor?: string | undefined },
  workspaceId: string,
  kind: CursorKind,
): { readonly limit: number; readonly afterId: string | undefined } {
  const limit = query.limit === undefined ? DEFAULT_PAGE_SIZE : Number(query.limit);
  if (query.limit !== undefined && !(/^\d{1,3}$/.test(query.limit) && limit >= 1 && limit <= MAX_PAGE_SIZE)) {
    throw new InvalidQueryError(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  }
  const afterId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, workspaceId, kind);
  return { limit, afterId };
}

/** Where a PAT lives, for `Location`. */
export const patLocation = (id: string) => `/api/v1/pats/${id}`;

/** The largest create or rotate body (contract: 4 KiB). */
export const MAX_BODY_BYTES = 4096;

/** The table actions of the management routes, each limited to the attributes it needs. */
export const GRANTS = {
  /** One PAT by its key, without its hash. */
  readPat: { actions: ['dynamodb:GetItem'], attributes: READABLE_PAT_ATTRIBUTES, reads: true },
  /** A page of a workspace's PATs, without their hashes. */
  queryPats: { actions: ['dynamodb:Query'], attributes: READABLE_PAT_ATTRIBUTES, reads: true },
  /** A workspace's expired PATs, with the notices given (a removal announces an expiry not yet announced). */
  queryExpired: {
    actions: ['dynamodb:Query'],
    attributes: [...READABLE_PAT_ATTRIBUTES, EXPIRY_INDEX.noticesAttribute],
    reads: true,
  },
  /** A new PAT, in the expiry index. */
  putPat: { actions: ['dynamodb:PutItem'], attributes: STORED_PAT_ATTRIBUTES },
  deletePat: { actions: ['dynamodb:DeleteItem'] },
  /** The workspace's counter, which keeps its limit exact, and made exact from the PATs' ids. */
  countPats: { actions: ['dynamodb:UpdateItem'], attributes: COUNTER_ATTRIBUTES },
  readCount: { actions: ['dynamodb:GetItem'], attributes: COUNTER_ATTRIBUTES, reads: true },
  /** An audit record, in the transaction of its change. */
  putRecord: { table: 'audit', actions: ['dynamodb:PutItem'], attributes: STORED_AUDIT_ATTRIBUTES },
  /** A page of a workspace's records, without their TTL. */
  queryRecords: {
    table: 'audit',
    actions: ['dynamodb:Query'],
    attributes: AUDIT_RECORD_ATTRIBUTES,
    reads: true,
  },
} as const satisfies Record<string, TableGrant>;
