import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, pageState, registerOnPage, RESULTS, startDemoSite, type DemoSite } from '../helpers/demoPage';
import { startOidcProvider, type OidcTestUser, type TestOidcProvider } from '../helpers/oidcProvider';
import { newUser, startTestApp, type TestApp } from '../helpers/testApp';

// Functions passed to the page run in the browser; they are written as strings because the tests are
// compiled without the DOM's types.

/**
 * examples/web in headless Chromium against the real service. Page and API are on different ports,
 * so every call is cross-origin (CORS preflights, `credentials: 'include'`) and the refresh cookie
 * must work as a browser treats it.
 */
let t: TestApp;
let site: DemoSite;
let pageOrigin: string;
let browser: Browser;
let op: TestOidcProvider;

beforeAll(async () => {
  site = await startDemoSite();
  pageOrigin = `http://127.0.0.1:${site.port}`;

  // A real OpenID provider; the service's port is chosen first, since its callback route is a redirect URI.
  op = await startOidcProvider();
  const apiOrigin = `http://127.0.0.1:${await freePort()}`;
  const client = { clientId: 'web-demo', clientSecret: 'web-demo-secret-0123456789' };
  const redirectUris = [`${pageOrigin}/`, `${apiOrigin}/auth/callback/test`];
  t = await startTestApp({
    env: {
      CORS_ORIGINS: pageOrigin,
      PORT: new URL(apiOrigin).port,
      OIDC_PROVIDERS: JSON.stringify([{ id: 'test', name: 'Test Provider', issuer: op.issuer, ...client }]),
      EXTERNAL_REDIRECT_URIS: redirectUris.join(','),
      EXTERNAL_SIGN_IN_RETURN_URL: `${pageOrigin}/`,
    },
  });
  await op.addClient({ ...client, redirectUris });
  await site.build(t.url);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await op?.close();
  await site?.close();
});

async function open(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${pageOrigin}/`);
  return page;
}

const state = pageState;
const text = (page: Page, selector: string) => page.locator(selector).textContent();

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.fill('#login [name=email]', email);
  await page.fill('#login [name=password]', password);
  await page.click('#login button');
  await state(page, 'signed-in');
}

describe('examples/web in Chromium, page and API on different ports', () => {
  it('registers, stays signed in across reloads through the httpOnly cookie, edits the profile, ends sessions, signs out', async () => {
    const user = newUser();
    const context = await browser.newContext();
    const page = await open(context);
    await state(page, 'signed-out');

    await registerOnPage(page, user);
    expect(await text(page, '#email')).toContain(user.email);

    // The refresh token is a cookie no script can read, sent only to the API's GraphQL path; the page
    // keeps nothing in storage.
    const [cookie, ...others] = (await context.cookies(t.url)).filter((c) => c.name === 'refresh_token');
    expect(others).toEqual([]);
    expect(cookie).toMatchObject({ httpOnly: true, path: '/graphql', sameSite: 'Strict', domain: '127.0.0.1' });
    expect(cookie!.value).toMatch(/^rt_/);
    expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, 'web-signed-in.png'), fullPage: true });

    // A reload loses the access token (memory only); the cookie brings the session back.
    await page.reload();
    await state(page, 'signed-in');
    expect(await text(page, '#name')).toBe(`${user.firstName} ${user.lastName}`);

    await page.fill('#update [name=firstName]', 'Grace');
    await page.click('#update button');
    await page.waitForFunction(`document.getElementById('name').textContent.startsWith('Grace ')`);
    await page.reload();
    await state(page, 'signed-in');
    expect(await text(page, '#name')).toBe(`Grace ${user.lastName}`);

    // A second device signs in; this page lists it and ends it.
    const phone = await browser.newContext();
    await signIn(await open(phone), user.email, user.password);
    await page.reload();
    await state(page, 'signed-in');
    expect(await page.locator('#sessions li').count()).toBe(2);
    await page.click('#sessions li[data-current="false"] button');
    await page.waitForFunction(`document.querySelectorAll('#sessions li').length === 1`);
    expect(await page.locator('#sessions li[data-current="true"]').count()).toBe(1);
    await phone.close();

    await page.click('#logout');
    await state(page, 'signed-out');
    expect((await context.cookies(t.url)).filter((c) => c.name === 'refresh_token')).toEqual([]);
    await page.reload();
    await state(page, 'signed-out');

    // Signing in again through the form works, and survives a reload too.
    await signIn(page, user.email, user.password);
    await page.reload();
    await state(page, 'signed-in');
    await context.close();

    // Every call was cross-origin: the browser asked first.
    const methods = t.logs.map((line) => JSON.parse(line)).filter((e) => e.msg === 'request').map((e) => e.method);
    expect(methods).toContain('OPTIONS');
  }, 60_000);

  it('sets up an authenticator app from the QR page, then signs in with password and code, and with a recovery code', async () => {
    const user = newUser();
    const context = await browser.newContext();
    const page = await open(context);
    await state(page, 'signed-out');
    await registerOnPage(page, user);
    expect(await text(page, '#totp-status')).toMatch(/^Off/);
    expect(await page.locator('#totp-disable').isVisible()).toBe(false);

    await page.click('#totp-start');
    await page.waitForSelector('#totp-setup:not([hidden])');
    // The QR code is an image the browser decoded (an SVG document), not markup in the page.
    await page.waitForFunction(`document.getElementById('totp-qr').complete && document.getElementById('totp-qr').naturalWidth > 0`);
    const secret = (await text(page, '#totp-secret'))!;
    // The phone's app, here otpauth fed the key the page shows.
    const code = (offsetSteps = 0) =>
      TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: Date.now() + offsetSteps * 30_000 });
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, 'web-totp-setup.png'), fullPage: true });
    await page.fill('#totp-confirm [name=code]', code());
    await page.click('#totp-confirm button');
    await page.waitForSelector('#recovery:not([hidden])');
    const recoveryCodes = await page.locator('#recovery-codes li').allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    expect(await text(page, '#totp-status')).toMatch(/^On: .* 10 recovery codes left/);
    expect([await page.locator('#totp-disable').isVisible(), await page.locator('#totp-start').isVisible()]).toEqual([true, false]);
    await page.screenshot({ path: path.join(RESULTS, 'web-totp-enabled.png'), fullPage: true });

    await page.click('#logout');
    await state(page, 'signed-out');
    await page.fill('#login [name=email]', user.email);
    await page.fill('#login [name=password]', user.password);
    await page.click('#login button');
    await state(page, 'second-factor');
    await page.screenshot({ path: path.join(RESULTS, 'web-second-factor.png'), fullPage: true });
    // A wrong code keeps the form; the right one signs in (the next step's code: this step's was used).
    await page.fill('#second-factor-form [name=code]', code(1) === '000000' ? '111111' : '000000');
    await page.click('#second-factor-form button');
    await page.waitForFunction(`document.getElementById('status').textContent === 'The code is not correct.'`);
    await page.fill('#second-factor-form [name=code]', code(1));
    await page.click('#second-factor-form button');
    await state(page, 'signed-in');

    // Again with a recovery code, typed in capitals; a reload resumes the two-factor session by cookie.
    await page.click('#logout');
    await state(page, 'signed-out');
    await signInWithSecondFactor(page, user.email, user.password, recoveryCodes[0]!.toUpperCase());
    await page.reload();
    await state(page, 'signed-in');
    expect(await text(page, '#totp-status')).toMatch(/9 recovery codes left/);

    await page.fill('#totp-disable [name=code]', recoveryCodes[1]!);
    await page.click('#totp-disable button');
    await page.waitForFunction(`document.getElementById('totp-status').textContent.startsWith('Off')`);
    await context.close();
  }, 60_000);
});

async function signInWithSecondFactor(page: Page, email: string, password: string, code: string): Promise<void> {
  await page.fill('#login [name=email]', email);
  await page.fill('#login [name=password]', password);
  await page.click('#login button');
  await state(page, 'second-factor');
  await page.fill('#second-factor-form [name=code]', code);
  await page.click('#second-factor-form button');
  await state(page, 'signed-in');
}

describe('examples/web in Chromium: sign in with another identity provider', () => {
  let n = 0;
  const providerUser = (): OidcTestUser => {
    n += 1;
    return { sub: `web-${n}-${Date.now()}`, email: `web${n}.${Date.now()}@example.org`, emailVerified: true, givenName: 'Ada', familyName: 'Byron' };
  };

  it('signs in with the test provider (the page receives the redirect), links a second account and unlinks it', async () => {
    const user = providerUser();
    // Whoever the provider's login page is shown to signs in as this user.
    op.setUser(user);
    const context = await browser.newContext();
    const page = await open(context);
    await state(page, 'signed-out');
    await page.click('#providers button[data-provider="test"]');
    await state(page, 'signed-in');
    expect(await text(page, '#email')).toBe(user.email!);
    expect(await text(page, '#name')).toBe('Ada Byron');
    // Code and state left the address bar; nothing stays in storage.
    expect(page.url()).toBe(`${pageOrigin}/`);
    expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0);
    expect(await page.locator('#identities li').allTextContents()).toEqual([`Test Provider (${user.email}) Unlink`]);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, 'web-external-sign-in.png'), fullPage: true });

    // A reload resumes the session through the refresh cookie, as after a password sign-in.
    await page.reload();
    await state(page, 'signed-in');

    // Link another account at the provider: its own login (the provider's session cookies go first).
    const second = providerUser();
    op.setUser(second);
    await context.clearCookies({ domain: '127.0.0.1', name: /^_/ });
    await page.click('#link-providers button[data-provider="test"]');
    await page.waitForFunction(`document.querySelectorAll('#identities li').length === 2`);
    expect(await text(page, '#status')).toBe('Test Provider now signs in to this account.');
    await page.screenshot({ path: path.join(RESULTS, 'web-external-linked.png'), fullPage: true });

    await page.click('#identities li:first-child button');
    await page.waitForFunction(`document.querySelectorAll('#identities li').length === 1`);
    // The last way in cannot go.
    await page.click('#identities li button');
    await page.waitForFunction(`document.getElementById('status').textContent.includes('last way to sign in')`);
    expect(await page.locator('#identities li').count()).toBe(1);
    await context.close();
  }, 60_000);

  it("signs in through the service's callback route: the page gets a result, and its session from the cookie", async () => {
    const user = providerUser();
    op.setUser(user);
    const context = await browser.newContext();
    const page = await open(context);
    await state(page, 'signed-out');
    await page.check('#via-service');
    await page.click('#providers button[data-provider="test"]');
    await state(page, 'signed-in');
    expect(await text(page, '#email')).toBe(user.email!);
    expect(page.url()).toBe(`${pageOrigin}/`);
    const cookies = await context.cookies(t.url);
    expect(cookies.filter((c) => c.name === 'refresh_token')).toMatchObject([{ httpOnly: true, path: '/graphql', sameSite: 'Strict' }]);
    // The binding of the start to this browser was used up with it.
    expect(cookies.filter((c) => c.name.startsWith('external_sign_in_'))).toEqual([]);
    await page.screenshot({ path: path.join(RESULTS, 'web-external-callback-route.png'), fullPage: true });
    await context.close();
  }, 60_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
