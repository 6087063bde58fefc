import { publisherLambda } from '../publisher/dependencies';

export const handler = publisherLambda();
