import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../helpers/services';
import { SmtpReceiver } from '../helpers/SmtpReceiver';
import { startService } from '../helpers/spawnService';
import { createTestDatabase, deleteRedisPrefix, gqlClient, newUser, REGISTER, startTestApp, type TestApp } from '../helpers/testApp';

/**
 * Mail is written to an outbox table in the transaction of the change that causes it, and delivered
 * from there: at least once, surviving restarts, never by two instances at once.
 */

const outboxRows = (db: TestApp['db'], recipient: string) =>
  db
    .query<{ sent_at: Date | null; gave_up_at: Date | null; text: string | null; html: string | null; attempts: number; leased_until: Date | null }>(
      'select sent_at, gave_up_at, text, html, attempts, leased_until from mail_outbox where recipient = $1',
      [recipient],
    )
    .then((result) => result.rows);

describe('the mail outbox', () => {
  it('delivers mail queued before a kill -9 once the service is back, and erases its body once sent', async () => {
    const smtp = new SmtpReceiver();
    const port = await smtp.start();
    await smtp.stop(); // the mail server is down while the first instance runs
    const db = await createTestDatabase();
    const prefix = `outbox:${randomBytes(6).toString('hex')}:`;
    const dir = mkdtempSync(path.join(tmpdir(), 'auth-outbox-'));
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      JWT_SECRET: `outbox-${randomBytes(16).toString('hex')}`,
      REFRESH_TOKEN_SECRET: `outbox-refresh-${randomBytes(16).toString('hex')}`,
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      BCRYPT_COST: '4',
      MAIL_RETRY_BASE_MS: '50',
    };
    try {
      const first = await startService(env, dir);
      const input = newUser();
      const registered = await gqlClient(first.url)(REGISTER, { input });
      expect(registered.body.data.register.__typename).toBe('AuthSuccess');
      // Committed with the account; the send failed (no mail server), and the message waits for a retry.
      // (Killed while it holds the message, an instance's lease must run out, a minute, before another
      // takes it: README, "Account flows by email".)
      await expect
        .poll(async () => (await outboxRows(db, input.email)).map((row) => row.attempts > 0 && !row.sent_at && !row.leased_until))
        .toEqual([true]);
      first.process.kill('SIGKILL');
      await new Promise((resolve) => first.process.once('exit', resolve));

      await smtp.start();
      const second = await startService(env, dir);
      try {
        const mail = await smtp.waitFor(input.email);
        expect(mail.subject).toBe('Confirm your email address');
        expect(mail.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
        // Sent, and the body (it holds the link token) is gone from the table.
        await expect.poll(async () => (await outboxRows(db, input.email))[0]).toMatchObject({ text: null, html: null, gave_up_at: null });
        expect((await outboxRows(db, input.email))[0].sent_at).not.toBeNull();
        expect(smtp.to(input.email)).toHaveLength(1);
      } finally {
        await second.stop();
      }
    } finally {
      await smtp.stop();
      await db.drop();
      await deleteRedisPrefix(prefix);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  describe('with two instances on one database', () => {
    const smtp = new SmtpReceiver();
    let a: TestApp;
    let b: TestApp;
    beforeAll(async () => {
      const port = await smtp.start();
      await smtp.stop();
      a = await startTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_RETRY_BASE_MS: '100' } });
      b = await startTestApp({ db: a.db, redisPrefix: a.redisPrefix, env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_RETRY_BASE_MS: '100' } });
    });
    afterAll(async () => {
      await b?.close();
      await a?.close();
      await smtp.stop();
    });

    it('delivers each message exactly once, whichever instance takes it', async () => {
      // Queued while the mail server is down, through both instances: both delivery loops then race
      // for the same due messages once it is back.
      const inputs = Array.from({ length: 24 }, () => newUser());
      await Promise.all(inputs.map((input, i) => (i % 2 ? a : b).gql(REGISTER, { input })));
      await smtp.start();
      for (const input of inputs) await smtp.waitFor(input.email, 1, 20_000);
      // Give a duplicate the time to arrive, had there been one.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(inputs.map((input) => smtp.to(input.email).length)).toEqual(inputs.map(() => 1));
      expect(smtp.messages).toHaveLength(inputs.length);
    }, 60_000);
  });

  describe('during a long mail-server outage', () => {
    const smtp = new SmtpReceiver();
    let t: TestApp;
    let clock = Date.now();
    beforeAll(async () => {
      const port = await smtp.start();
      await smtp.stop();
      t = await startTestApp({
        now: () => clock,
        env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_RETRY_BASE_MS: '10', MAIL_MAX_AGE: '2d', EMAIL_VERIFICATION_TTL: '3d' },
      });
    });
    afterAll(async () => {
      await t?.close();
      await smtp.stop();
    });

    it('keeps retrying, however often sends fail, until MAIL_MAX_AGE; then gives up and erases the body', async () => {
      const kept = newUser();
      await t.gql(REGISTER, { input: kept });
      // Thirty-nine hours of outage in jumps: each makes the message due again, and it fails again.
      /** The attempts made once the last one has been recorded (no instance holds the message). */
      const settled = async () => {
        let row = (await outboxRows(t.db, kept.email))[0];
        await expect.poll(async () => (row = (await outboxRows(t.db, kept.email))[0]).leased_until).toBeNull();
        return row.attempts;
      };
      for (let jump = 0; jump < 13; jump++) {
          const before = await settled();
        clock += 3 * 3600_000;
        await t.app.deliverMail();
        await expect.poll(async () => (await outboxRows(t.db, kept.email))[0].attempts, { timeout: 5000 }).toBeGreaterThan(before);
      }
      await settled();
      const waiting = (await outboxRows(t.db, kept.email))[0];
      // The old in-process queue gave up after 12 attempts; the outbox still has the message.
      expect(waiting.attempts).toBeGreaterThan(12);
      expect(waiting).toMatchObject({ sent_at: null, gave_up_at: null });
      expect(waiting.text).toContain('Confirm email address');

      await smtp.start();
      clock += 3600_000;
      await t.app.deliverMail();
      await smtp.waitFor(kept.email, 1, 10_000);
      await smtp.stop();

      // A message older than MAIL_MAX_AGE is given up: logged, its body erased, never sent.
      const late = newUser();
      await t.gql(REGISTER, { input: late });
      await expect.poll(async () => (await outboxRows(t.db, late.email))[0]?.attempts ?? 0).toBeGreaterThan(0);
      clock += 2 * 86400_000 + 1000;
      await t.app.deliverMail();
      await expect.poll(async () => (await outboxRows(t.db, late.email))[0].gave_up_at, { timeout: 5000 }).not.toBeNull();
      expect((await outboxRows(t.db, late.email))[0]).toMatchObject({ text: null, html: null, sent_at: null });
      expect(t.logs.some((line) => line.includes('mail not delivered; giving up') && line.includes('"level":"error"'))).toBe(true);

      // Delivered and abandoned rows (already without bodies) are pruned after a week.
      clock += 8 * 86400_000;
      await t.app.runTasks();
      expect(await outboxRows(t.db, kept.email)).toEqual([]);
      expect(await outboxRows(t.db, late.email)).toEqual([]);
    }, 60_000);
  });
});
