import { type KeyFetcher, KeySourceUnavailableError } from './key-fetcher';
import { parseKeySourceUrl } from './url-policy';

/**
 * Finds the issuer's key set the way API Gateway's JWT authorizer does: from
 * `<issuer>/.well-known/openid-configuration`. The document must name the same issuer (OpenID
 * Connect Discovery 1.0, section 4.3) and a `jwks_uri` that passes the same URL policy as the
 * issuer itself; an `https` issuer needs an `https` `jwks_uri`, or a document could downgrade the
 * key fetch to plain HTTP on loopback (in Lambda: the Runtime API and extensions).
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
  const url = typeof jwksUri === 'string' ? parseKeySourceUrl(jwksUri, fetcher.policy) : undefined;
  if (url === undefined) {
    throw new KeySourceUnavailableError(`${location}: jwks_uri is missing or not https/loopback`);
  }
  if (new URL(issuer).protocol === 'https:' && url.protocol !== 'https:') {
    throw new KeySourceUnavailableError(`${location}: an https issuer must publish an https jwks_uri`);
  }
  return jwksUri as string;
}
