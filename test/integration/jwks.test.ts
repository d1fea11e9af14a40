import { createPublicKey } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN, ME, registered, startTestApp, type TestApp } from '../helpers/testApp';

async function privateJwk(alg: 'EdDSA' | 'ES256', kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid };
}

const started: TestApp[] = [];
async function app(keys: JWK[], shared?: TestApp) {
  const instance = await startTestApp({
    env: { JWT_KEYS: JSON.stringify(keys), JWT_SECRET: '' },
    ...(shared && { db: shared.db, redisPrefix: shared.redisPrefix }),
  });
  started.push(instance);
  return instance;
}
afterAll(async () => {
  for (const instance of started.reverse()) await instance.close();
});

let ed: JWK;
let ec: JWK;
let first: TestApp;
beforeAll(async () => {
  ed = await privateJwk('EdDSA', 'ed-2026-01');
  ec = await privateJwk('ES256', 'ec-2026-02');
  first = await app([ed]);
});

const jwksOf = async (instance: TestApp) => {
  const res = await fetch(instance.url.replace('/graphql', '/.well-known/jwks.json'));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/jwk-set+json');
  return (await res.json()) as { keys: JWK[] };
};
const meStatus = async (instance: TestApp, token: string) => (await instance.gql(ME, {}, token)).status;

describe('asymmetric signing and JWKS', () => {
  it('signs with EdDSA and a kid, and publishes only the public key', async () => {
    const { token } = await registered(first.gql);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', typ: 'at+jwt', kid: 'ed-2026-01' });
    const jwks = await jwksOf(first);
    expect(jwks.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: ed.x, kid: 'ed-2026-01', alg: 'EdDSA', use: 'sig' }]);
    expect(JSON.stringify(jwks)).not.toContain(ed.d!);

    // Anyone can verify our tokens from the published set alone.
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: first.config.jwt.issuer,
      audience: first.config.jwt.audience,
    });
    expect(payload.sub).toBe(decodeJwt(token).sub);
  });

  it('rotates: the newest key signs, older keys still verify, a removed key does not', async () => {
    const { token: old, input } = await registered(first.gql);
    const rotated = await app([ed, ec], first);
    expect(await meStatus(rotated, old)).toBe(200);

    const fresh = (await rotated.gql(LOGIN, { email: input.email, password: input.password })).body.data.login.accessToken;
    expect(decodeProtectedHeader(fresh)).toMatchObject({ alg: 'ES256', kid: 'ec-2026-02' });
    expect((await jwksOf(rotated)).keys.map((k) => k.kid)).toEqual(['ed-2026-01', 'ec-2026-02']);

    const retired = await app([ec], first);
    expect(await meStatus(retired, fresh)).toBe(200);
    expect(await meStatus(retired, old)).toBe(401);
  });

  it('refuses alg none, algorithm confusion with the public key, a mismatched alg and an unknown kid', async () => {
    const { token } = await registered(first.gql);
    const claims = decodeJwt(token);
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const forge = (header: Record<string, unknown>, key: Uint8Array) =>
      new SignJWT(claims).setProtectedHeader({ typ: 'at+jwt', ...header } as never).sign(key);

    const publicPem = createPublicKey({ key: { ...ed, d: undefined } as never, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const attempts = [
      `${b64({ alg: 'none', typ: 'at+jwt', kid: ed.kid })}.${b64(claims)}.`,
      // HS256 "signed" with what a verifier that trusts the header would use as the HMAC key.
      await forge({ alg: 'HS256', kid: ed.kid }, new TextEncoder().encode(publicPem)),
      await forge({ alg: 'HS256', kid: ed.kid }, Buffer.from(ed.x!, 'base64url')),
      await forge({ alg: 'HS256', kid: ed.kid }, new TextEncoder().encode(JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: ed.x }))),
    ];
    const { privateKey: attackerKey } = await generateKeyPair('EdDSA');
    attempts.push(
      await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'attacker-key' }).sign(attackerKey),
      await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: ed.kid }).sign(attackerKey),
      await new SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: ed.kid, jwk: await exportJWK((await generateKeyPair('EdDSA')).publicKey) })
        .sign(attackerKey),
    );
    for (const forged of attempts) {
      const res = await first.gql(ME, {}, forged);
      expect(res.status, forged.slice(0, 40)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    }
    // The control: the genuine token with the same claims is accepted.
    expect(await meStatus(first, token)).toBe(200);
  });

  it('pins each key to its own algorithm when HS256 and EdDSA keys are configured together', async () => {
    // With an HS256 key configured, HS256 is an accepted algorithm overall: only the per-key check stops
    // an HS256 token that names the EdDSA key and is "signed" with its public half.
    const oct = { kty: 'oct', kid: 'hs-old', k: Buffer.from('an-old-hs256-secret-of-at-least-32-bytes!!').toString('base64url') };
    const mixed = await app([oct, ed], first);
    const { token } = await registered(mixed.gql);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', kid: ed.kid });
    const claims = decodeJwt(token);
    const confused = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: ed.kid })
      .sign(Buffer.from(ed.x!, 'base64url'));
    expect(await meStatus(mixed, confused)).toBe(401);
    // The same claims under the HS256 key itself are genuine (an older key still verifies)...
    const genuine = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: 'hs-old' })
      .sign(Buffer.from(oct.k, 'base64url'));
    expect(await meStatus(mixed, genuine)).toBe(200);
    // ... but not when they bring their own key location.
    const withJku = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: 'hs-old', jku: 'https://attacker.example/jwks' })
      .sign(Buffer.from(oct.k, 'base64url'));
    expect(await meStatus(mixed, withJku)).toBe(401);
    // The HS256 secret is never published.
    expect((await jwksOf(mixed)).keys.map((k) => k.kid)).toEqual([ed.kid]);
  });

  it('publishes an empty key set when signing with an HS256 secret', async () => {
    const symmetric = await startTestApp();
    started.push(symmetric);
    expect(await jwksOf(symmetric)).toEqual({ keys: [] });
  });
});
