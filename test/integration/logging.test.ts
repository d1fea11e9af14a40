import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpReceiver } from '../helpers/SmtpReceiver';
import { LOGIN, LOGOUT, ME, REFRESH, REGISTER, newUser, startTestApp, type TestApp } from '../helpers/testApp';

const smtp = new SmtpReceiver();
let t: TestApp;
beforeAll(async () => {
  const port = await smtp.start();
  // Real SMTP: without it, development mode deliberately logs messages (and their links) instead.
  t = await startTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, LOG_LEVEL: 'debug' } });
});
afterAll(async () => {
  await t?.close();
  await smtp.stop();
});

const requestLines = () => t.logs.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request');

describe('request logs', () => {
  it('write one JSON line per request with id, operation, outcome, status and duration', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-abc.123' },
      body: JSON.stringify({ query: LOGIN, variables: { email: 'nobody@example.com', password: 'wrong password' } }),
    });
    expect(res.headers.get('x-request-id')).toBe('trace-abc.123');
    await expect.poll(() => requestLines().find((l) => l.requestId === 'trace-abc.123')).toMatchObject({
      level: 'info',
      method: 'POST',
      path: '/graphql',
      status: 200,
      operation: 'Login',
      outcome: 'INVALID_CREDENTIALS',
    });
    expect(typeof requestLines().find((l) => l.requestId === 'trace-abc.123').ms).toBe('number');

    // An implausible incoming id is replaced by a fresh one.
    const odd = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'bad id\nwith newline'.replace('\n', ' ') },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => requestLines().find((l) => l.requestId === odd.headers.get('x-request-id'))).toMatchObject({
      operation: 'query me',
      outcome: 'ok',
    });
  });

  it('never contain a password, a token or a password hash during a full register/login/refresh/logout run', async () => {
    const input = newUser({ password: 'a very distinctive passphrase 42' });
    const registered = (await t.gql(REGISTER, { input })).body.data.register;
    const login = (await t.gql(LOGIN, { email: input.email, password: input.password })).body.data.login;
    await t.gql(LOGIN, { email: input.email, password: 'a wrong distinctive passphrase' });
    await t.gql(ME, {}, login.accessToken);
    const refreshed = (await t.gql(REFRESH, { refreshToken: login.refreshToken })).body.data.refreshToken;
    await t.gql(LOGOUT, {}, refreshed.accessToken);
    await t.gql(ME, {}, 'forged.token.value');
    const mail = await smtp.waitFor(input.email);
    const { rows } = await t.db.query(
      'select c.password_hash from password_credentials c join users u on u.id = c.user_id where u.email = $1',
      [input.email],
    );

    const secrets = [
      input.password,
      'a wrong distinctive passphrase',
      registered.accessToken,
      registered.refreshToken,
      login.accessToken,
      login.refreshToken,
      refreshed.accessToken,
      refreshed.refreshToken,
      rows[0].password_hash,
      mail.token!,
    ];
    expect(t.logs.length).toBeGreaterThan(8);
    for (const line of t.logs) for (const secret of secrets) expect(line).not.toContain(secret);
    // Signatures alone, too (a token split across fields would still leak).
    for (const token of [login.accessToken, refreshed.accessToken]) {
      for (const line of t.logs) expect(line).not.toContain(token.split('.')[2]);
    }
  });
});

describe('clients that go away or are too slow', () => {
  const lines = () => t.logs.map((line) => JSON.parse(line));
  /** Opens a raw connection and sends the headers of a POST whose body never fully arrives. */
  async function partialPost(requestId: string): Promise<import('node:net').Socket> {
    const { createConnection } = await import('node:net');
    const { port } = new URL(t.url);
    const socket = createConnection({ host: '127.0.0.1', port: Number(port) });
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nX-Request-Id: ${requestId}\r\n\r\n{"query":`,
    );
    return socket;
  }

  it('a client that aborts mid-request gets one request line (outcome aborted) and a count, nothing at error level', async () => {
    const errorsBefore = lines().filter((l) => l.level === 'error').length;
    const socket = await partialPost('abort-1');
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await expect.poll(() => lines().filter((l) => l.msg === 'request' && l.requestId === 'abort-1')).toHaveLength(1);
    const line = lines().find((l) => l.msg === 'request' && l.requestId === 'abort-1');
    expect(line).toMatchObject({ level: 'info', outcome: 'aborted', method: 'POST', path: '/graphql' });
    expect(line.status).toBeUndefined();
    expect(lines().filter((l) => l.level === 'error').length).toBe(errorsBefore);
    const metrics = await (await fetch(t.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/auth_http_requests_total\{operation="POST \/graphql",outcome="aborted"\} [1-9]/);
  });

  it('a request the request timeout ends is answered 408 and logged once as timeout; slow headers too', async () => {
    const server = t.app.server.httpServer;
    const [requestTimeout, headersTimeout] = [server.requestTimeout, server.headersTimeout];
    server.headersTimeout = 300;
    server.requestTimeout = 400;
    try {
      const errorsBefore = lines().filter((l) => l.level === 'error').length;
      const socket = await partialPost('slow-body-1');
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      await new Promise((resolve) => socket.once('close', resolve));
      expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
      await expect.poll(() => lines().filter((l) => l.msg === 'request' && l.requestId === 'slow-body-1')).toHaveLength(1);
      const line = lines().find((l) => l.msg === 'request' && l.requestId === 'slow-body-1');
      expect(line).toMatchObject({ level: 'info', outcome: 'timeout', status: 408 });

      // Headers that never finish: no request reached the handler, the line comes from the connection.
      const { createConnection } = await import('node:net');
      const slow = createConnection({ host: '127.0.0.1', port: Number(new URL(t.url).port) });
      slow.on('error', () => undefined);
      let slowAnswer = '';
      slow.on('data', (chunk) => (slowAnswer += chunk.toString()));
      slow.write('POST /graphql HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
      await new Promise((resolve) => slow.once('close', resolve));
      expect(slowAnswer).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
      await expect
        .poll(() => lines().filter((l) => l.msg === 'request' && l.outcome === 'timeout' && l.requestId === undefined))
        .toHaveLength(1);
      expect(lines().filter((l) => l.level === 'error').length).toBe(errorsBefore);
    } finally {
      server.requestTimeout = requestTimeout;
      server.headersTimeout = headersTimeout;
    }
  });
});
