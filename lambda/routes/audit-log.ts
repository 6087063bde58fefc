import { InvalidQueryError } from '../domain/errors';
import { listAuditRecords } from '../domain/list-audit-records';
import { normaliseUuid } from '../domain/uuid';
import { queryOf } from '../http/request';
import { jsonResponse } from '../http/responses';
import { GRANTS, managementRoute, pageOf } from './management';

/** `GET /api/v1/audit-log?limit=&cursor=&patId=`: the workspace's audit records, newest first. */
export const auditLogRoute = managementRoute({
  name: 'auditLog',
  method: 'GET',
  path: '/api/v1/audit-log',
  summary: "GET /api/v1/audit-log: a workspace's audit records, newest first",
  table: [GRANTS.queryRecords],
  concurrencyWeight: 4,
  samples: [
    { status: 200, query: { limit: '20' } },
    { status: 200, label: 'pat', patQuery: 'demo' },
  ],
  read: (event, { workspaceId }) => {
    const query = queryOf(event, ['limit', 'cursor', 'patId']);
    const patId = query.patId === undefined ? undefined : normaliseUuid(query.patId);
    if (query.patId !== undefined && patId === undefined) {
      throw new InvalidQueryError('patId must be a PAT id (a UUID).');
    }
    return { ...pageOf(query, workspaceId, 'audit'), patId };
  },
  run: async ({ workspaceId, input }, deps) => ({
    response: jsonResponse(200, await listAuditRecords({ workspaceId, ...input }, deps)),
  }),
});
