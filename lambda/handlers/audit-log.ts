import { managementLambda } from '../dependencies';
import { auditLogRoute } from '../routes/audit-log';

export const handler = managementLambda(auditLogRoute);
