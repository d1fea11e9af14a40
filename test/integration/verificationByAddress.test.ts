import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpReceiver } from '../helpers/SmtpReceiver';
import { LOGIN, newUser, REGISTER, startTestApp, type TestApp } from '../helpers/testApp';

const REQUEST = /* GraphQL */ `mutation($email: EmailAddress) { requestEmailVerification(email: $email) }`;
const VERIFY = /* GraphQL */ `mutation($t: String!) { verifyEmail(token: $t) { __typename } }`;

const smtp = new SmtpReceiver();
let t: TestApp;
beforeAll(async () => {
  await smtp.start();
  t = await startTestApp({
    env: {
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      REQUIRE_EMAIL_VERIFICATION: 'true',
      // One trusted proxy: each test speaks from its own client address through X-Forwarded-For.
      TRUST_PROXY_HOPS: '1',
      RATE_LIMIT_VERIFY_PER_ADDRESS: '2',
      RATE_LIMIT_VERIFY_PER_IP: '4',
    },
  });
});
afterAll(async () => {
  await t?.close();
  await smtp.stop();
});

let ip = 0;
/** A client at its own address; `token` optional. */
function client() {
  const address = `203.0.113.${++ip}`;
  return async (query: string, variables: object = {}, token?: string) => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': address,
        ...(token && { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
  };
}

/** An account whose first link has arrived (and is then considered lost), still unverified. */
async function unverifiedUser() {
  const input = newUser();
  expect((await t.gql(REGISTER, { input })).body.data.register.__typename).toBe('EmailNotVerifiedError');
  await smtp.waitFor(input.email);
  return input;
}

describe('requestEmailVerification(email) without a token', () => {
  it('lets a user who cannot sign in get a new link, which verifies the address and lets them in', async () => {
    const user = await unverifiedUser();
    const send = client();
    expect((await send(REQUEST, { email: ` ${user.email.toUpperCase()} ` })).body).toEqual({ data: { requestEmailVerification: true } });
    const mail = await smtp.waitFor(user.email, 2);
    expect((await send(VERIFY, { t: mail.token })).body.data.verifyEmail.__typename).toBe('AccountUpdated');
    expect((await send(LOGIN, { email: user.email, password: user.password })).body.data.login.__typename).toBe('AuthSuccess');
  });

  it('answers unknown, verified and unverified addresses alike, and mails only the unverified one', async () => {
    const verified = await unverifiedUser();
    await t.gql(VERIFY, { t: smtp.to(verified.email)[0]!.token });
    const unverified = await unverifiedUser();
    const unknown = newUser().email;
    const answers = [];
    for (const email of [unknown, verified.email, unverified.email]) answers.push(await client()(REQUEST, { email }));
    expect(new Set(answers.map((a) => JSON.stringify([a.status, a.body]))).size).toBe(1);
    await smtp.waitFor(unverified.email, 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.to(unknown)).toHaveLength(0);
    expect(smtp.to(verified.email)).toHaveLength(1);
  });

  it('is limited per email address, known or not, from any client address', async () => {
    const user = await unverifiedUser();
    const unknown = newUser().email;
    for (const email of [user.email, unknown]) {
      expect((await client()(REQUEST, { email })).status).toBe(200);
      expect((await client()(REQUEST, { email: email.toUpperCase() })).status).toBe(200);
      const third = await client()(REQUEST, { email });
      expect(third.status).toBe(429);
      expect(third.body.errors[0].extensions.code).toBe('RATE_LIMITED');
      expect(Number(third.retryAfter)).toBeGreaterThan(0);
    }
  });

  it('is limited per client address', async () => {
    const send = client();
    for (let i = 0; i < 4; i++) expect((await send(REQUEST, { email: newUser().email })).status).toBe(200);
    const over = await send(REQUEST, { email: newUser().email });
    expect(over.status).toBe(429);
    expect((await client()(REQUEST, { email: newUser().email })).status).toBe(200);
  });

  it('needs a token without an address (401), and with a token and no address works as before', async () => {
    const send = client();
    const anonymous = await send(REQUEST);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');

    const relaxed = await startTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}` } });
    try {
      const input = newUser();
      const token = (await relaxed.gql(REGISTER, { input })).body.data.register.accessToken;
      await smtp.waitFor(input.email);
      const res = await relaxed.gql(REQUEST, {}, token);
      expect(res.body.data.requestEmailVerification).toBe(true);
      await smtp.waitFor(input.email, 2);
    } finally {
      await relaxed.close();
    }
  });
});
