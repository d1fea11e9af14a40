import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ME, newUser, REGISTER, startTestApp, type TestApp } from '../helpers/testApp';

const post = (url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(url, { method: 'POST', headers, body });

describe('in production mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { NODE_ENV: 'production', MAX_BODY_BYTES: '16384' } });
  });
  afterAll(() => t?.close());

  it('refuses introspection', async () => {
    const res = await t.gql('{ __schema { types { name } } }');
    expect(res.status).toBe(400);
    expect(res.body.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.text).not.toContain('RegisterResult');
  });

  it('gives no field suggestions in errors', async () => {
    const res = await t.gql('{ mee { id } }');
    expect(res.body.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.text).not.toMatch(/did you mean/i);
    expect(res.text).not.toContain('"me"');
  });

  it('serves no landing page', async () => {
    const res = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-type') ?? '').not.toContain('text/html');
    expect(await res.text()).not.toMatch(/<html/i);
  });

  it('refuses CSRF-able POSTs (form and text/plain bodies), and serves GET queries (urql\'s default) anonymously', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await post(t.url, JSON.stringify({ query: 'mutation { logout }' }), { 'content-type': type });
      expect(res.status, type).toBe(400);
      expect(((await res.json()) as any).errors[0].message).toMatch(/cross-site request forgery/);
    }
    const noType = await fetch(t.url, { method: 'POST', body: new Uint8Array(Buffer.from(JSON.stringify({ query: ME }))) });
    expect(noType.status).toBe(400);
    // No preflight header needed: a query changes nothing, and a forged GET carries no Authorization header.
    const get = await fetch(`${t.url}?query=${encodeURIComponent('{ me { id } }')}`);
    expect(get.status).toBe(200);
    expect(((await get.json()) as any).data.me).toBeNull();
  });

  it('refuses a mutation over GET', async () => {
    const query = encodeURIComponent('mutation { logout }');
    const res = await fetch(`${t.url}?query=${query}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(405);
  });

  it('caps the request body (413) before parsing it', async () => {
    const huge = JSON.stringify({ query: REGISTER, variables: { input: newUser({ password: 'x'.repeat(20_000) }) } });
    const res = await post(t.url, huge);
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers malformed JSON with a clean 400', async () => {
    const res = await post(t.url, '{"query": ');
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text).errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(text).not.toMatch(/SyntaxError|at JSON|stack/);
  });

  it('refuses batched requests', async () => {
    const res = await post(t.url, JSON.stringify([{ query: ME }, { query: ME }]));
    expect(res.status).toBe(400);
  });

  it('keeps responses out of caches and answers 404 off the endpoint', async () => {
    const res = await post(t.url, JSON.stringify({ query: REGISTER, variables: { input: newUser() } }));
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const other = await fetch(t.url.replace('/graphql', '/admin'));
    expect(other.status).toBe(404);
  });

  it('never sends a stack trace, even for a malformed query', async () => {
    for (const body of ['{"query":"{"}', '{"query":"mutation { register(input: 1) { __typename } }"}', '{"variables":{}}']) {
      const text = await (await post(t.url, body)).text();
      expect(text).not.toMatch(/stacktrace|\bat \w+ \(|node_modules/);
    }
  });
});

describe('in development mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { NODE_ENV: 'development' } });
  });
  afterAll(() => t?.close());

  it('serves the Apollo Sandbox landing page at /graphql and allows introspection', async () => {
    const page = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toMatch(/sandbox/i);
    const res = await t.gql('{ __schema { queryType { name } } }');
    expect(res.body.data.__schema.queryType.name).toBe('Query');
  });

  it('answers CORS preflights for browser clients', async () => {
    const res = await fetch(t.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    // `*` never comes with credentials (the Fetch standard forbids it; it would let any site send cookies).
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
  });
});

describe('CORS with an origin list', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { CORS_ORIGINS: 'https://app.example' } });
  });
  afterAll(() => t?.close());

  it('allows listed origins only', async () => {
    const ok = await post(t.url, JSON.stringify({ query: ME }), { 'content-type': 'application/json', origin: 'https://app.example' });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const other = await post(t.url, JSON.stringify({ query: ME }), { 'content-type': 'application/json', origin: 'https://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
