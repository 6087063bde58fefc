import { managementLambda } from '../dependencies';
import { listPatsRoute } from '../routes/list-pats';

export const handler = managementLambda(listPatsRoute);
