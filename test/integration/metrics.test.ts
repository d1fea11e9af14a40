import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN, ME, registered, startTestApp, type TestApp } from '../helpers/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const scrape = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};

describe('metrics', () => {
  it('serves Prometheus text at /metrics with requests, outcomes, allowlist checks, hashing pool and process metrics', async () => {
    const { input, token } = await registered(t.gql);
    await t.gql(LOGIN, { email: input.email, password: 'wrong password' });
    await t.gql(ME, {}, token);
    await t.gql(ME, {}, 'not-a-token');
    const { status, type, text } = await scrape(t.url.replace('/graphql', '/metrics'));
    expect(status).toBe(200);
    expect(type).toContain('text/plain');
    expect(text).toMatch(/auth_http_requests_total\{operation="mutation register",outcome="ok"\} 1/);
    expect(text).toMatch(/auth_http_requests_total\{operation="mutation login",outcome="INVALID_CREDENTIALS"\} 1/);
    expect(text).toMatch(/auth_http_request_duration_seconds_bucket\{le="[^"]+",operation="query me"\}/);
    expect(text).toMatch(/auth_results_total\{operation="register",result="AuthSuccess"\} 1/);
    expect(text).toMatch(/auth_results_total\{operation="login",result="InvalidCredentialsError"\} 1/);
    expect(text).toMatch(/auth_allowlist_checks_total\{result="live"\} [1-9]/);
    expect(text).toMatch(/auth_hash_queue_depth 0/);
    expect(text).toMatch(/auth_hash_queue_wait_seconds_count [1-9]/);
    expect(text).toMatch(/auth_process_resident_memory_bytes \d+/);
    // Labels never carry client-chosen strings.
    expect(text).not.toContain('not-a-token');
  });

  it('can be turned off, or served on a port of its own', async () => {
    const off = await startTestApp({ env: { METRICS: 'off' } });
    try {
      expect((await scrape(off.url.replace('/graphql', '/metrics'))).status).toBe(404);
    } finally {
      await off.close();
    }
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const separate = await startTestApp({ env: { METRICS_PORT: String(port) } });
    try {
      expect((await scrape(separate.url.replace('/graphql', '/metrics'))).status).toBe(404);
      const own = await scrape(`http://127.0.0.1:${port}/metrics`);
      expect(own.status).toBe(200);
      expect(own.text).toContain('auth_http_requests_total');
    } finally {
      await separate.close();
    }
  });
});
