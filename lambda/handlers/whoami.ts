import { credentialLambda } from '../http/pipeline';
import { whoamiRoute } from '../routes/whoami';

export const handler = credentialLambda(whoamiRoute);
