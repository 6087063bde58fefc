import { managementLambda } from '../dependencies';
import { revokePatRoute } from '../routes/revoke-pat';

export const handler = managementLambda(revokePatRoute);
