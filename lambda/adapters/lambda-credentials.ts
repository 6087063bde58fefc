import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * `@aws-sdk/credential-provider-node` in the bundles (an esbuild alias): Lambda and `sam local
 * invoke` hand credentials in the environment, so the rest of the default chain is dead weight.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
