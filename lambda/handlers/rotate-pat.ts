import { managementLambda } from '../dependencies';
import { rotatePatRoute } from '../routes/rotate-pat';

export const handler = managementLambda(rotatePatRoute);
