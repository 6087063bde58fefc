import { managementLambda } from '../dependencies';
import { createPatRoute } from '../routes/create-pat';

export const handler = managementLambda(createPatRoute);
