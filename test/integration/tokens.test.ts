import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN, LOGOUT, ME, newUser, registered, startTestApp, TEST_JWT_SECRET, UPDATE_ME, type TestApp } from '../helpers/testApp';
import { REDIS_URL } from '../helpers/services';

let t: TestApp;
let clockOffsetMs = 0;
/** The kid of the service's HS256 key, read from a token it issued. */
let kid: string;
beforeAll(async () => {
  // The service's clock is injectable, so expiry is tested without sleeping.
  t = await startTestApp({ now: () => Date.now() + clockOffsetMs });
  kid = decodeProtectedHeader((await registered(t.gql)).token).kid!;
});
afterAll(() => t?.close());

const secret = new TextEncoder().encode(TEST_JWT_SECRET);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function sign(
  claims: Record<string, unknown>,
  {
    key = secret,
    typ = 'at+jwt',
    iss = t.config.jwt.issuer,
    aud = t.config.jwt.audience,
    expSeconds = 600,
    header = {} as Record<string, unknown>,
  } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ, kid, ...header })
    .setIssuedAt(now)
    .setExpirationTime(now + expSeconds)
    .setIssuer(iss)
    .setAudience(aud)
    .sign(key);
}

const AUTHENTICATED_OPERATIONS = [
  { name: 'me', query: ME, variables: {} },
  { name: 'updateMe', query: UPDATE_ME, variables: { input: { firstName: 'Mallory' } } },
  { name: 'logout', query: LOGOUT, variables: {} },
];

async function expectInvalidToken(token: string, raw = false) {
  for (const op of AUTHENTICATED_OPERATIONS) {
    const res: { status: number; headers: Headers; body: any } = raw
      ? await fetch(t.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: token },
          body: JSON.stringify({ query: op.query, variables: op.variables }),
        }).then(async (r) => ({ status: r.status, headers: r.headers, body: await r.json() }))
      : await t.gql(op.query, op.variables, token);
    expect(res.status, `${op.name} status`).toBe(401);
    expect(res.headers.get('www-authenticate'), op.name).toBe('Bearer error="invalid_token"');
    expect(res.body.errors[0].extensions.code, op.name).toBe('UNAUTHENTICATED');
  }
}

/**
 * The `sub` and `jti` of a real, live token. Forged tokens below reuse them, so they name an entry that
 * IS in the allowlist: only signature, algorithm, issuer, audience, type and expiry checks can refuse
 * them (a forged token with a made-up jti would be refused by the allowlist alone).
 */
async function liveIdentity() {
  const { token, user } = await registered(t.gql);
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
  expect((await t.gql(ME, {}, token)).body.data.me.id).toBe(user.id);
  return { sub: claims.sub as string, sid: claims.sid as string, jti: claims.jti as string, token };
}

describe('access tokens', () => {
  it('refuses a malformed token', async () => {
    await expectInvalidToken('not-a-jwt');
    await expectInvalidToken('a.b.c');
  });

  it('refuses a token signed with another key', async () => {
    const live = await liveIdentity();
    await expectInvalidToken(await sign(live, { key: new TextEncoder().encode('another-secret-another-secret-000000') }));
  });

  it('refuses a live token whose signature is removed or swapped', async () => {
    const live = await liveIdentity();
    const [header, payload] = live.token.split('.');
    await expectInvalidToken(`${header}.${payload}.`);
    const other = (await liveIdentity()).token.split('.')[2];
    await expectInvalidToken(`${header}.${payload}.${other}`);
  });

  it('refuses a token altered after signing', async () => {
    const { token } = await registered(t.gql);
    const other = await registered(t.gql);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    await expectInvalidToken([header, b64({ ...claims, sub: other.user.id }), signature].join('.'));
  });

  it('refuses alg "none"', async () => {
    const { sub, sid, jti } = await liveIdentity();
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub, sid, jti, iat: now, exp: now + 600, iss: t.config.jwt.issuer, aud: t.config.jwt.audience };
    await expectInvalidToken(`${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`);
  });

  it('refuses another HMAC algorithm, even with the right key', async () => {
    const { sub, sid, jti } = await liveIdentity();
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sub, sid, jti })
      .setProtectedHeader({ alg: 'HS512', typ: 'at+jwt', kid })
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .setIssuer(t.config.jwt.issuer)
      .setAudience(t.config.jwt.audience)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET.repeat(2)));
    await expectInvalidToken(token);
  });

  it('refuses a token for another issuer, another audience, or of another type', async () => {
    const live = await liveIdentity();
    await expectInvalidToken(await sign(live, { iss: 'someone-else' }));
    await expectInvalidToken(await sign(live, { aud: 'another-api' }));
    await expectInvalidToken(await sign(live, { typ: 'JWT' }));
    // The control: the same claims signed the right way are accepted, so the refusals above are due to
    // the one thing each changed.
    expect((await t.gql(ME, {}, await sign(live))).status).toBe(200);
  });

  it('refuses an unknown kid, a missing kid, and headers that bring their own key', async () => {
    const live = await liveIdentity();
    await expectInvalidToken(await sign(live, { header: { kid: 'someone-elses-key' } }));
    await expectInvalidToken(await sign(live, { header: { kid: undefined } }));
    await expectInvalidToken(await sign(live, { header: { jku: 'https://attacker.example/jwks.json' } }));
    await expectInvalidToken(await sign(live, { header: { x5u: 'https://attacker.example/cert.pem' } }));
    await expectInvalidToken(await sign(live, { header: { jwk: { kty: 'oct', k: Buffer.from(TEST_JWT_SECRET).toString('base64url') } } }));
  });

  it('refuses a token without a required claim', async () => {
    const { sub, sid, jti } = await liveIdentity();
    const now = Math.floor(Date.now() / 1000);
    const withoutExp = await new SignJWT({ sub, sid, jti })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid })
      .setIssuedAt(now)
      .setIssuer(t.config.jwt.issuer)
      .setAudience(t.config.jwt.audience)
      .sign(secret);
    await expectInvalidToken(withoutExp);
  });

  it('refuses a correctly signed token that was never issued (not in the allowlist)', async () => {
    const { user } = await registered(t.gql);
    const { sid } = await liveIdentity();
    await expectInvalidToken(await sign({ sub: user.id, sid, jti: 'forged-jti' }));
  });

  it('refuses an expired token', async () => {
    const { token, ...live } = await liveIdentity();
    await expectInvalidToken(await sign(live, { expSeconds: -10 }));
    expect((await t.gql(ME, {}, token)).status).toBe(200);
    clockOffsetMs = (t.config.jwt.accessTokenTtlSeconds + 1) * 1000;
    try {
      await expectInvalidToken(token);
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('refuses other schemes and an empty bearer', async () => {
    await expectInvalidToken('Basic dXNlcjpwYXNz', true);
    await expectInvalidToken('Bearer', true);
  });

  it('without a header: me is null, updateMe and logout are UNAUTHENTICATED with a bare Bearer challenge', async () => {
    const me = await t.gql(ME);
    expect(me.status).toBe(200);
    expect(me.body.data.me).toBeNull();
    for (const op of AUTHENTICATED_OPERATIONS.slice(1)) {
      const res = await t.gql(op.query, op.variables);
      expect(res.status).toBe(401);
      expect(res.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
      // No error code in the challenge: there is no token to drop (RFC 6750 section 3.1).
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
  });
});

describe('logout', () => {
  it('kills the token that made the request at once, and only that one', async () => {
    const { token, input } = await registered(t.gql);
    const other = (await t.gql(LOGIN, { email: input.email, password: input.password })).body.data.login.accessToken;

    const res = await t.gql(LOGOUT, {}, token);
    expect(res.body).toEqual({ data: { logout: true } });
    await expectInvalidToken(token);

    expect((await t.gql(ME, {}, other)).body.data.me.email).toBe(input.email);
  });

  it('removes the token from Redis and from the user index', async () => {
    const { token, user } = await registered(t.gql);
    const { jti, sid } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    const key = `${t.redisPrefix}at:{${user.id}}:${jti}`;
    const { createClient } = await import('redis');
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    try {
      expect(await redis.exists(key)).toBe(1);
      const ttl = await redis.pTTL(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(t.config.jwt.accessTokenTtlSeconds * 1000);
      expect(await redis.zRange(`${t.redisPrefix}user:{${user.id}}:at`, 0, -1)).toContain(`${sid}/${jti}`);

      await t.gql(LOGOUT, {}, token);
      expect(await redis.exists(key)).toBe(0);
      expect(await redis.zRange(`${t.redisPrefix}user:{${user.id}}:at`, 0, -1)).not.toContain(`${sid}/${jti}`);
    } finally {
      await redis.close();
    }
  });
});

describe('documents that mix signed-in and anonymous fields', () => {
  const mixed = /* GraphQL */ `
    mutation Mixed($input: RegisterInput!) {
      register(input: $input) { __typename }
      logout
    }
  `;

  it('with a bad token: 401 before anything runs, so the registration is not made', async () => {
    const input = newUser();
    const res = await t.gql(mixed, { input }, 'not-a-token');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(res.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    const { rows } = await t.db.query('select count(*)::int as n from users where email = $1', [input.email]);
    expect(rows[0].n).toBe(0);
  });

  it('without a token: UNAUTHENTICATED before anything runs', async () => {
    const input = newUser();
    const res = await t.gql(`fragment F on Mutation { updateMe(input: {}) { __typename } } ${mixed.replace('logout', '...F')}`, { input });
    expect(res.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    const { rows } = await t.db.query('select count(*)::int as n from users where email = $1', [input.email]);
    expect(rows[0].n).toBe(0);
  });

  it('with a valid token both run', async () => {
    const { token } = await registered(t.gql);
    const res = await t.gql(mixed, { input: newUser() }, token);
    expect(res.body.data).toEqual({ register: { __typename: 'AuthSuccess' }, logout: true });
  });
});

describe('how a session was signed in', () => {
  it('is in every access token of the session (amr, auth_time), kept across refreshes, and in the session row', async () => {
    const input = newUser();
    await t.gql(
      'mutation($i: RegisterInput!) { register(input: $i) { __typename } }',
      { i: input },
    );
    const before = Math.floor((Date.now() + clockOffsetMs) / 1000);
    const login = (await t.gql(LOGIN, { email: input.email, password: input.password })).body.data.login;
    const claims = decodeJwt(login.accessToken);
    // RFC 8176: a password.
    expect(claims.amr).toEqual(['pwd']);
    expect(claims.auth_time).toBeGreaterThanOrEqual(before - 1);
    expect(claims.auth_time).toBeLessThanOrEqual(claims.iat as number);

    clockOffsetMs += 120_000;
    const refreshed = (
      await t.gql('mutation($r: String!) { refreshToken(refreshToken: $r) { ... on AuthSuccess { accessToken } } }', { r: login.refreshToken })
    ).body.data.refreshToken;
    const later = decodeJwt(refreshed.accessToken);
    // A refresh is not a sign-in: the methods and the time stay those of the sign-in.
    expect(later.amr).toEqual(['pwd']);
    expect(later.auth_time).toBe(claims.auth_time);
    expect(later.iat as number).toBeGreaterThanOrEqual((claims.iat as number) + 119);

    const { rows } = await t.db.query('select auth_methods, auth_time from sessions where id = $1', [claims.sid]);
    expect(rows[0].auth_methods).toEqual(['pwd']);
    expect(Math.floor(rows[0].auth_time.getTime() / 1000)).toBe(claims.auth_time);
  });
});
