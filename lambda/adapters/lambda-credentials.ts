import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundle (an esbuild alias, see
 * `lib/bundling.ts`). Lambda hands the execution role's credentials to the function in
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, the first place the default chain
 * looks; the rest of the chain (SSO, INI files, web identity, IMDS, process, login) can never be
 * used there, yet it is about a quarter of the SDK's bytes. `sam local invoke` passes credentials
 * the same way. Outside the bundle (tests, the local API) the real chain is used.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
