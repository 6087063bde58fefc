import { managementLambda } from '../dependencies';
import { getPatRoute } from '../routes/get-pat';

export const handler = managementLambda(getPatRoute);
