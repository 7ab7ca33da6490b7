/**
 * Bundling alias target for `@aws-sdk/credential-provider-node`.
 *
 * Lambda always hands a function its credentials in environment variables, and the local
 * runtime does the same, so the default provider chain (SSO, INI files, IMDS, web identity,
 * ...) is dead weight: dropping it takes ~130 KB off every minified bundle. Only the
 * bundler uses this file; tests and the local runtime use the real chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = () => fromEnv();
export { fromEnv };
