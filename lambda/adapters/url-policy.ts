/**
 * Where the function may fetch keys from, and which AWS endpoints it may use, depending on
 * where it runs (`urlPolicyOf` in `lambda/config`, from the variables Lambda and SAM set):
 * - `lambda`, a deployed function: HTTPS only. Loopback there is the Lambda Runtime API and the
 *   extensions, never an issuer, and host.docker.internal resolves to whatever the network says.
 * - `sam-local`, inside `sam local invoke` (SAM says so in its container): plain HTTP is also
 *   allowed to loopback and to host.docker.internal, the developer's machine seen from SAM's
 *   container.
 * - `local`, the local API, tests and benchmarks on a developer's machine: plain HTTP to loopback.
 */
export type Runtime = 'lambda' | 'sam-local' | 'local';

export interface UrlPolicy {
  readonly runtime: Runtime;
}

const LOOPBACK_NAMES = new Set(['localhost', '[::1]']);
const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const SAM_HOST = 'host.docker.internal';

/** True for a host name that means "this machine" where the process runs. */
export function isLocalHost(hostname: string, policy: UrlPolicy): boolean {
  if (policy.runtime === 'lambda') return false;
  const host = hostname.toLowerCase();
  return (
    LOOPBACK_NAMES.has(host) ||
    LOOPBACK_V4.test(host) ||
    (policy.runtime === 'sam-local' && host === SAM_HOST)
  );
}

function parseUrl(value: string): URL | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  // Credentials in the URL would end up in logs and error messages.
  return url.username === '' && url.password === '' ? url : undefined;
}

/** Parses `value` and returns the URL when it is a place keys may be fetched from, else `undefined`. */
export function parseKeySourceUrl(value: string, policy: UrlPolicy): URL | undefined {
  const url = parseUrl(value);
  if (url === undefined) return undefined;
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLocalHost(url.hostname, policy)) return url;
  return undefined;
}

const AWS_HOST = /\.amazonaws\.com(\.cn)?$/i;

/**
 * Whether `value` may be an AWS service's endpoint (DynamoDB, EventBridge): in a deployed function
 * only an HTTPS AWS endpoint (FIPS, VPC endpoint); elsewhere any http(s) URL, except
 * host.docker.internal outside `sam local`.
 */
export function parseAwsEndpoint(value: string, policy: UrlPolicy): URL | undefined {
  const url = parseUrl(value);
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) return undefined;
  if (policy.runtime === 'lambda')
    return url.protocol === 'https:' && AWS_HOST.test(url.hostname) ? url : undefined;
  if (url.hostname.toLowerCase() === SAM_HOST && policy.runtime !== 'sam-local') return undefined;
  return url;
}
