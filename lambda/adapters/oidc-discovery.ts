import { type KeyFetcher, KeySourceUnavailableError } from './key-fetcher';
import { parseKeySourceUrl } from './url-policy';

/**
 * Finds the issuer's key set the way API Gateway's JWT authorizer does: from
 * `<issuer>/.well-known/openid-configuration`. The document must name the same issuer (OpenID
 * Connect Discovery 1.0, section 4.3) and a `jwks_uri` that passes the same URL policy as the
 * issuer itself.
 */
export async function discoverJwksUri(issuer: string, fetcher: KeyFetcher): Promise<string> {
  const location = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const body = await fetcher.fetch(location);
  let document: unknown;
  try {
    document = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new KeySourceUnavailableError(`${location}: not a JSON document`);
  }
  const { issuer: named, jwks_uri: jwksUri } = (document ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
  if (named !== issuer) {
    throw new KeySourceUnavailableError(
      `${location}: names issuer ${JSON.stringify(named)}, expected ${issuer}`,
    );
  }
  if (typeof jwksUri !== 'string' || parseKeySourceUrl(jwksUri) === undefined) {
    throw new KeySourceUnavailableError(`${location}: jwks_uri is missing or not https/loopback`);
  }
  return jwksUri;
}
