import { expiryJobLambda } from '../expiry-job/dependencies';

export const handler = expiryJobLambda();
