import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { decodeJwt } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, pageState, registerOnPage, RESULTS, startDemoSite, type DemoSite } from '../helpers/demoPage';
import { newUser, startTestApp, type TestApp } from '../helpers/testApp';
import { addVirtualAuthenticator } from '../helpers/virtualAuthenticator';

/**
 * Passkeys through examples/web in headless Chromium, with Chromium's own virtual authenticator (the
 * DevTools protocol's WebAuthn domain: a platform passkey store with resident keys and user
 * verification). WebAuthn refuses IP addresses, so page and API are reached as `localhost` (RP ID
 * `localhost`), on two ports: cross-origin, same site, as a real deployment on app. and api. would be.
 */
let t: TestApp;
let site: DemoSite;
let pageOrigin: string;
let browser: Browser;

beforeAll(async () => {
  site = await startDemoSite();
  pageOrigin = `http://localhost:${site.port}`;
  t = await startTestApp({ env: { CORS_ORIGINS: pageOrigin, WEBAUTHN_ORIGINS: pageOrigin } });
  const [, launched] = await Promise.all([site.build(t.url.replace('//127.0.0.1:', '//localhost:')), launchChromium()]);
  browser = launched;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await site?.close();
});

const state = pageState;
const passkeyCount = (n: number) => `document.querySelectorAll('#passkeys li').length === ${n}`;

async function open(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${pageOrigin}/`);
  await state(page, 'signed-out');
  return page;
}

/** The access tokens the page receives: to read the `amr` the service gave each sign-in. */
function tokensOf(page: Page) {
  const tokens: string[] = [];
  page.on('response', async (response) => {
    if (!response.url().endsWith('/graphql') || response.request().method() !== 'POST') return;
    const text = await response.text().catch(() => '');
    for (const match of text.matchAll(/"accessToken":"([^"]+)"/g)) tokens.push(match[1]!);
  });
  return {
    /** How many so far: take it before an action that signs in, and pass it to `after`. */
    get count() {
      return tokens.length;
    },
    /** The newest token once one arrived after the first `seen` (bodies are read asynchronously). */
    async after(seen: number): Promise<string> {
      await expect.poll(() => tokens.length).toBeGreaterThan(seen);
      return tokens.at(-1)!;
    },
  };
}

describe('passkeys in examples/web, Chromium with a virtual authenticator', () => {
  it('creates an account with a passkey, signs out, signs in usernameless, adds a second passkey, removes one', async () => {
    const user = newUser();
    const page = await open();
    const tokens = tokensOf(page);
    const laptop = await addVirtualAuthenticator(page);

    await page.fill('#passkey-register [name=email]', user.email);
    await page.fill('#passkey-register [name=firstName]', user.firstName);
    await page.fill('#passkey-register [name=lastName]', user.lastName);
    await page.click('#passkey-register button');
    await state(page, 'signed-in');
    expect(await page.locator('#email').textContent()).toContain(user.email);
    await page.waitForFunction(passkeyCount(1));
    const [created] = await laptop.credentials();
    expect(created).toMatchObject({ isResidentCredential: true, rpId: 'localhost', signCount: 1 });
    // No password: the account's only credential is the passkey.
    const { rows } = await t.db.query('select u.id, (select count(*)::int from password_credentials p where p.user_id = u.id) as passwords from users u where email = $1', [user.email]);
    expect(rows).toEqual([{ id: expect.any(String), passwords: 0 }]);
    expect(created!.userHandle).toBe(Buffer.from(rows[0].id.replace(/-/g, ''), 'hex').toString('base64url'));

    await page.click('#logout');
    await state(page, 'signed-out');
    // Usernameless: no address typed; the passkey says whose account it is.
    const beforeUsernameless = tokens.count;
    await page.click('#passkey-login');
    await state(page, 'signed-in');
    expect(await page.locator('#email').textContent()).toContain(user.email);
    expect(decodeJwt(await tokens.after(beforeUsernameless)).amr).toEqual(['hwk', 'user']);

    // A second device: the laptop's authenticator goes (it would refuse a second passkey for an
    // account it serves), a phone's synced passkey store comes.
    await laptop.remove();
    const phone = await addVirtualAuthenticator(page, { defaultBackupEligibility: true, defaultBackupState: true });
    await page.click('#passkey-add');
    await page.waitForFunction(passkeyCount(2));
    expect(await page.locator('#passkeys li').allTextContents()).toEqual([
      expect.stringMatching(/^Passkey \(on one device\) · last used /),
      expect.stringMatching(/^Passkey 2 \(synced\) · never used/),
    ]);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, 'web-passkeys.png'), fullPage: true });

    // The laptop's passkey is removed; the phone's signs in (as a synced passkey: swk).
    await page.click('#passkeys li:first-child button');
    await page.waitForFunction(passkeyCount(1));
    expect(await page.locator('#passkeys li').textContent()).toMatch(/^Passkey 2 \(synced\)/);
    // The last way in cannot be removed.
    await page.click('#passkeys li:first-child button');
    await page.waitForFunction(`document.getElementById('status').textContent.startsWith('This is the last way to sign in')`);
    await page.click('#logout');
    await state(page, 'signed-out');
    const beforeSynced = tokens.count;
    await page.click('#passkey-login');
    await state(page, 'signed-in');
    expect(decodeJwt(await tokens.after(beforeSynced)).amr).toEqual(['swk', 'user']);
    expect((await phone.credentials())[0]).toMatchObject({ backupEligibility: true, signCount: 2 });
    await page.screenshot({ path: path.join(RESULTS, 'web-passkey-signed-in.png'), fullPage: true });
    await page.context().close();
  }, 60_000);

  it('uses a passkey as the second factor after the password', async () => {
    const user = newUser();
    const page = await open();
    const tokens = tokensOf(page);
    await addVirtualAuthenticator(page);
    await registerOnPage(page, user);
    await page.click('#passkey-add');
    await page.waitForFunction(passkeyCount(1));

    await page.click('#logout');
    await state(page, 'signed-out');
    await page.fill('#login [name=email]', user.email);
    await page.fill('#login [name=password]', user.password);
    await page.click('#login button');
    await state(page, 'second-factor');
    const beforeSecondStep = tokens.count;
    await page.click('#second-factor-passkey');
    await state(page, 'signed-in');
    expect(decodeJwt(await tokens.after(beforeSecondStep)).amr).toEqual(['pwd', 'hwk', 'user']);
    await page.context().close();
  }, 60_000);
});
