import { authorizerLambda } from '../authorizer/dependencies';

export const handler = authorizerLambda();
