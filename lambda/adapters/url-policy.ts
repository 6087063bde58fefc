/**
 * Where the service may fetch keys from. Key material must come over HTTPS; plain HTTP is only
 * accepted for hosts that mean "this machine" (local development, tests, and `sam local invoke`,
 * whose container reaches the host as host.docker.internal). Anything else could let a network
 * attacker swap the keys.
 */
const LOOPBACK_NAMES = new Set(['localhost', '[::1]', 'host.docker.internal']);
const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return LOOPBACK_NAMES.has(host) || LOOPBACK_V4.test(host);
}

/** Parses `value` and returns the URL when it is a place keys may be fetched from, else `undefined`. */
export function parseKeySourceUrl(value: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  // Credentials in the URL would end up in logs and error messages.
  if (url.username !== '' || url.password !== '') return undefined;
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  return undefined;
}
