import type { Route } from './router';
import type { SigningKeys } from '../sessions/SigningKeys';

export const JWKS_PATH = '/.well-known/jwks.json';

/** The public signing keys, for anyone verifying our access tokens themselves (RFC 7517). */
export function jwksRoute(keys: SigningKeys): Route {
  const body = JSON.stringify(keys.jwks());
  return {
    method: 'GET',
    path: JWKS_PATH,
    handle: (_req, res) => {
      res.setHeader('content-type', 'application/jwk-set+json');
      // Public and cacheable, but not for long: verifiers must see a new key soon after a rotation.
      res.setHeader('cache-control', 'public, max-age=300');
      res.end(body);
    },
  };
}
