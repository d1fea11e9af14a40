import { spawn } from 'node:child_process';
import path from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpReceiver } from '../helpers/SmtpReceiver';
import { SoftAuthenticator } from '../helpers/softAuthenticator';
import { REDIS_URL } from '../helpers/services';
import { createTestDatabase, ME, registered, startTestApp, TEST_JWT_SECRET, type TestApp } from '../helpers/testApp';

/**
 * `npm run admin`: src/cli.ts as its own process, on the same database, Redis and mail server as a
 * running instance, with nothing mocked.
 */
const ROOT = path.resolve(__dirname, '../..');
const TOTP_KEY = 'd'.repeat(64);
const REFRESH_SECRET = 'admin-test-refresh-secret-0123456789abcdef';
const smtp = new SmtpReceiver();
let t: TestApp;
let smtpUrl: string;

beforeAll(async () => {
  smtpUrl = `smtp://127.0.0.1:${await smtp.start()}`;
  t = await startTestApp({ env: { SMTP_URL: smtpUrl, TOTP_ENCRYPTION_KEY: TOTP_KEY, REFRESH_TOKEN_SECRET: REFRESH_SECRET } });
});
afterAll(async () => {
  await t?.close();
  await smtp.stop();
});

function admin(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return adminOn(t.db.url, ...args);
}

function adminOn(databaseUrl: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['-r', require.resolve('@swc-node/register'), path.join(ROOT, 'src/cli.ts'), ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      SWC_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_KEY_PREFIX: t.redisPrefix,
      JWT_SECRET: TEST_JWT_SECRET,
      REFRESH_TOKEN_SECRET: REFRESH_SECRET,
      TOTP_ENCRYPTION_KEY: TOTP_KEY,
      SMTP_URL: smtpUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

const data = async (query: string, variables: Record<string, unknown> = {}, token?: string) =>
  Object.values((await t.gql(query, variables, token)).body.data ?? {})[0] as any;
const LOGIN = `mutation($e: EmailAddress!, $p: String!) { login(email: $e, password: $p) { __typename ... on AuthSuccess { accessToken } ... on SecondFactorRequired { ticket methods } } }`;

describe('npm run admin -- reset-second-factors <email>', () => {
  it("removes the account's app, recovery codes and passkeys, ends its sessions, logs it and mails the owner", async () => {
    const user = await registered(t.gql);
    const key = new SoftAuthenticator({ origin: 'http://localhost:5173' });
    const adding = await data('mutation { startPasskeyRegistration { challengeId options } }', {}, user.token);
    const added = await data('mutation($c: ID!, $r: JSON!) { finishPasskeyRegistration(challengeId: $c, response: $r) { __typename } }', {
      c: adding.challengeId,
      r: await key.create(adding.options),
    }, user.token);
    expect(added.__typename).toBe('PasskeyAdded');
    const { secret } = await data('mutation { startTotpEnrollment { secret } }', {}, user.token);
    const enabled = await data('mutation($c: String!) { confirmTotpEnrollment(code: $c) { __typename } }', { c: TOTP.generate({ secret: Secret.fromBase32(secret) }) }, user.token);
    expect(enabled.__typename).toBe('TotpEnabled');
    const pending = await data(LOGIN + ' ', { e: user.input.email, p: user.input.password });
    expect(pending).toMatchObject({ methods: ['TOTP', 'RECOVERY_CODE', 'PASSKEY'] });

    const run = await admin('reset-second-factors', `  ${user.input.email.toUpperCase()} `);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`Second factors of ${user.input.email} reset: 2 removed, every session ended; the notice is queued for the owner.\n`);
    // Its log went to stderr, and said nothing of the account's secrets.
    expect(run.stderr).not.toContain(secret);

    // A sign-in that was waiting for its second step opens nothing now.
    const VERIFY = 'mutation($t: String!, $c: String!) { verifySecondFactor(ticket: $t, code: $c) { __typename ... on ErrorResult { code } } }';
    expect(await data(VERIFY, { t: pending.ticket, c: TOTP.generate({ secret: Secret.fromBase32(secret) }) })).toMatchObject({ code: 'INVALID_TICKET' });

    expect((await t.gql(ME, {}, user.token)).status).toBe(401);
    const signedIn = await data(LOGIN, { e: user.input.email, p: user.input.password });
    expect(signedIn.__typename).toBe('AuthSuccess');
    const me = await data('query { me { twoFactorEnabled recoveryCodesRemaining passkeys { id } securityEvents(first: 10) { edges { node { type userAgent } } } } }', {}, signedIn.accessToken);
    expect(me).toMatchObject({ twoFactorEnabled: false, recoveryCodesRemaining: null, passkeys: [] });
    const entry = me.securityEvents.edges.map((e: { node: { type: string; userAgent: string } }) => e.node).find((n: { type: string }) => n.type === 'SECOND_FACTORS_RESET');
    expect(entry.userAgent).toMatch(/^npm run admin \(.+\)$/);
    // Queued by the command, sent by the serving instance.
    await expect.poll(() => smtp.to(user.input.email).map((m) => m.subject), { timeout: 10_000 }).toContain('Your two-step sign-in was turned off');
  });

  it('migrates nothing: a database that is not at its version\'s schema is refused', async () => {
    const empty = await createTestDatabase();
    try {
      const run = await adminOn(empty.url, 'reset-second-factors', 'someone@example.com');
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/not at this version's schema \(\d+ migration\(s\) pending\)/);
      // (MikroORM's migrator makes its bookkeeping table to find out; no migration ran.)
      expect((await empty.query("select to_regclass('public.users') is null as none")).rows[0].none).toBe(true);
    } finally {
      await empty.drop();
    }
  });

  it('says so for an address no account has, and shows its usage for anything else', async () => {
    const unknown = await admin('reset-second-factors', 'nobody-here@example.com');
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toContain('No account has the address nobody-here@example.com.');
    for (const args of [[], ['reset-second-factors'], ['drop-database', 'x@example.com'], ['reset-second-factors', 'a@example.com', 'extra']]) {
      const refused = await admin(...args);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr).toContain('Usage: npm run admin -- <command>');
    }
  });
});
