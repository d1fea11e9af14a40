import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM_PATH } from './services';
import type { newUser } from './testApp';

const ROOT = path.resolve(__dirname, '../..');
/** Where browser tests keep their screenshots. */
export const RESULTS = path.join(ROOT, 'test-results');

export interface DemoSite {
  /** The port the page is served on; the page's origin is `http://<host>:<port>` for 127.0.0.1 or localhost. */
  readonly port: number;
  /** Builds examples/web against this API URL (the page is served from the build). */
  build(apiUrl: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves a fresh build of examples/web from a folder of its own, on a port apart from the API's, so that
 * every call the page makes is cross-origin, as in a real deployment. The port comes first because the
 * API's settings (CORS, WebAuthn origins, redirect URIs) name the page's origin; `build` comes after the
 * API has its URL.
 */
export async function startDemoSite(): Promise<DemoSite> {
  const dist = mkdtempSync(path.join(tmpdir(), 'auth-web-'));
  const server = createServer((req, res) => {
    const file = path.join(dist, path.normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/$/, '/index.html'));
    if (!file.startsWith(dist) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async build(apiUrl) {
      await build({
        root: path.join(ROOT, 'examples/web'),
        configFile: false,
        logLevel: 'silent',
        build: { outDir: dist, emptyOutDir: true },
        define: { 'import.meta.env.VITE_API_URL': JSON.stringify(apiUrl) },
      });
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dist, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, with the flags that keep it off this machine's closed network. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH} (Debian: apt-get install -y chromium; or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Waits until the page says which state it is in (`body[data-state]`). */
export const pageState = (page: Page, value: 'signed-in' | 'signed-out' | 'second-factor') => page.waitForSelector(`body[data-state="${value}"]`);

/** Fills in and sends the page's registration form, and waits until it shows the user signed in. */
export async function registerOnPage(page: Page, user: ReturnType<typeof newUser>): Promise<void> {
  await page.fill('#register [name=email]', user.email);
  await page.fill('#register [name=password]', user.password);
  await page.fill('#register [name=firstName]', user.firstName);
  await page.fill('#register [name=lastName]', user.lastName);
  await page.click('#register button');
  await pageState(page, 'signed-in');
}
