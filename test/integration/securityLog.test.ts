import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpReceiver } from '../helpers/SmtpReceiver';
import { confirmAddress, LOGIN, LOGOUT, newUser, REGISTER, startTestApp, type TestApp } from '../helpers/testApp';

const EVENTS = /* GraphQL */ `
  query Events($first: Int, $after: String) {
    me {
      securityEvents(first: $first, after: $after) {
        edges { cursor node { type createdAt ipAddress userAgent sessionId } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

const smtp = new SmtpReceiver();
let t: TestApp;
let clock = Date.now();
beforeAll(async () => {
  const port = await smtp.start();
  t = await startTestApp({ now: () => clock, env: { SMTP_URL: `smtp://127.0.0.1:${port}`, SECURITY_LOG_RETENTION: '30d' } });
});
afterAll(async () => {
  await t?.close();
  await smtp.stop();
});

/** Sends a request as a browser would, with a user agent, for the log to record. */
const as = (agent: string) => ({ 'user-agent': agent });
async function gql(query: string, variables: object, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers, ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: Array<{ message: string; extensions: { code: string } }> };
}

describe("the viewer's security log", () => {
  it('records every account change with time, address, user agent and session, newest first, page by page', async () => {
    const input = newUser();
    const registered = (await gql(REGISTER, { input }, undefined, as('Browser/1'))).data.register;
    const token = registered.accessToken as string;
    clock += 1000;
    await gql(LOGIN, { email: input.email, password: 'not the password' }, undefined, as('Attacker/6'));
    clock += 1000;
    const second = (await gql(LOGIN, { email: input.email, password: input.password }, undefined, as('Phone/2'))).data.login;
    clock += 1000;
    const changed = await gql(
      'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { __typename } }',
      { c: input.password, n: 'a different passphrase entirely' },
      token,
      as('Browser/1'),
    );
    expect(changed.data.changePassword.__typename).toBe('ChangePasswordSuccess');
    clock += 1000;
    await gql(LOGOUT, {}, token, as('Browser/1'));
    const third = (await gql(LOGIN, { email: input.email, password: 'a different passphrase entirely' })).data.login;

    const all = (await gql(EVENTS, { first: 50 }, third.accessToken)).data.me.securityEvents;
    const types = all.edges.map((edge: { node: { type: string } }) => edge.node.type);
    // Newest first. The phone's session was ended by the password change; the browser's by its logout.
    expect(types).toEqual(['SIGNED_IN', 'SESSION_REVOKED', 'PASSWORD_CHANGED', 'SIGNED_IN', 'SIGN_IN_FAILED', 'SIGNED_IN', 'REGISTERED']);
    const nodes = all.edges.map((edge: { node: Record<string, unknown> }) => edge.node);
    expect(nodes[4]).toMatchObject({ type: 'SIGN_IN_FAILED', userAgent: 'Attacker/6', ipAddress: '127.0.0.1', sessionId: null });
    expect(nodes[3]).toMatchObject({ type: 'SIGNED_IN', userAgent: 'Phone/2', sessionId: sessionIdOf(second.accessToken) });
    expect(nodes[1]).toMatchObject({ type: 'SESSION_REVOKED', sessionId: sessionIdOf(token) });
    expect(new Date(nodes[4].createdAt as string).getTime()).toBeLessThan(new Date(nodes[3].createdAt as string).getTime());

    // Page by page: the cursors continue where the last page ended, and the last page says so.
    const firstPage = (await gql(EVENTS, { first: 3 }, third.accessToken)).data.me.securityEvents;
    expect(firstPage.pageInfo.hasNextPage).toBe(true);
    const secondPage = (await gql(EVENTS, { first: 3, after: firstPage.pageInfo.endCursor }, third.accessToken)).data.me.securityEvents;
    const lastPage = (await gql(EVENTS, { first: 3, after: secondPage.pageInfo.endCursor }, third.accessToken)).data.me.securityEvents;
    expect([...firstPage.edges, ...secondPage.edges, ...lastPage.edges].map((edge: { node: { type: string } }) => edge.node.type)).toEqual(types);
    expect(lastPage.pageInfo).toEqual({ hasNextPage: false, endCursor: lastPage.edges.at(-1).cursor });

    // A made-up cursor or a page size out of range is a bad argument, not an empty page.
    for (const variables of [{ after: 'not-a-cursor' }, { first: 0 }, { first: 101 }]) {
      const refused = await gql(EVENTS, variables, third.accessToken);
      expect(refused.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    }

    // The log holds no password, token or hash.
    const { rows } = await t.db.query('select * from security_events');
    const stored = JSON.stringify(rows);
    for (const secret of [input.password, 'a different passphrase entirely', token, registered.refreshToken, third.accessToken]) {
      expect(stored).not.toContain(secret);
    }
  });

  it('records a verified address and signing out everywhere', async () => {
    const input = newUser();
    const { accessToken } = (await gql(REGISTER, { input })).data.register;
    await confirmAddress(t.gql, smtp, input.email);
    expect((await gql('mutation { logoutEverywhere }', {}, accessToken)).data.logoutEverywhere).toBe(true);
    const again = (await gql(LOGIN, { email: input.email, password: input.password })).data.login;
    const types = (await gql(EVENTS, { first: 50 }, again.accessToken)).data.me.securityEvents.edges.map((edge: { node: { type: string } }) => edge.node.type);
    expect(types).toEqual(['SIGNED_IN', 'SIGNED_OUT_EVERYWHERE', 'EMAIL_VERIFIED', 'SIGNED_IN', 'REGISTERED']);
  });

  it('is only the viewer\'s, and needs a token', async () => {
    const other = (await gql(REGISTER, { input: newUser() })).data.register;
    const mine = (await gql(REGISTER, { input: newUser() })).data.register;
    const seen = (await gql(EVENTS, {}, mine.accessToken)).data.me.securityEvents.edges;
    expect(seen.map((edge: { node: { type: string } }) => edge.node.type)).toEqual(['SIGNED_IN', 'REGISTERED']);
    expect(JSON.stringify(seen)).not.toContain(sessionIdOf(other.accessToken));
    const anonymous = await gql('{ me { id } }', {});
    expect(anonymous.data.me).toBeNull();
  });

  it('tells the owner by email when the password or the address changes; the old address hears of the new', async () => {
    const input = newUser();
    const { accessToken } = (await gql(REGISTER, { input })).data.register;
    await gql(
      'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { __typename } }',
      { c: input.password, n: 'yet another fine passphrase' },
      accessToken,
    );
    // (Mail goes out concurrently: the verification link may arrive before or after the notice.)
    await expect.poll(() => smtp.to(input.email).map((mail) => mail.subject)).toContain('Your password was changed');

    const next = `moved.${Date.now()}@example.com`;
    await gql(
      'mutation($e: EmailAddress!, $p: String!) { requestEmailChange(newEmail: $e, currentPassword: $p) { __typename } }',
      { e: next, p: 'yet another fine passphrase' },
      accessToken,
    );
    const confirm = await smtp.waitFor(next);
    await gql('mutation($t: String!) { confirmEmailChange(token: $t) { __typename } }', { t: confirm.token });
    // Both notices go to the old address, each when its transaction commits; either may arrive last.
    await expect
      .poll(() => smtp.to(input.email).map((mail) => mail.subject))
      .toEqual(expect.arrayContaining(['Your sign-in email address is being changed', 'Your sign-in email address was changed']));
    const notice = smtp.to(input.email).find((mail) => mail.subject === 'Your sign-in email address was changed')!;
    expect(notice.text).toContain(next);

    const types = (await gql(EVENTS, {}, accessToken)).data.me.securityEvents.edges.map((edge: { node: { type: string } }) => edge.node.type);
    expect(types.slice(0, 3)).toEqual(['EMAIL_CHANGED', 'EMAIL_CHANGE_REQUESTED', 'PASSWORD_CHANGED']);
  });

  it('goes with a deleted account, leaving one entry that names no one', async () => {
    const input = newUser();
    const { accessToken, user } = (await gql(REGISTER, { input }, undefined, as('Browser/9'))).data.register;
    const before = await t.db.query("select count(*)::int as n from security_events where user_id is null and type = 'ACCOUNT_DELETED'");
    const deleted = await gql('mutation($p: String!) { deleteAccount(currentPassword: $p) { __typename } }', { p: input.password }, accessToken, as('Browser/9'));
    expect(deleted.data.deleteAccount.__typename).toBe('AccountDeleted');
    expect((await t.db.query('select count(*)::int as n from security_events where user_id = $1', [user.id])).rows[0].n).toBe(0);
    const { rows } = await t.db.query("select * from security_events where user_id is null and type = 'ACCOUNT_DELETED'");
    expect(rows.length).toBe(before.rows[0].n + 1);
    for (const row of rows) expect(row).toMatchObject({ ip_address: null, user_agent: null, session_id: null });
    expect(JSON.stringify(rows)).not.toContain(input.email);
  });

  it('keeps entries for SECURITY_LOG_RETENTION, then prunes them', async () => {
    const { accessToken } = (await gql(REGISTER, { input: newUser() })).data.register;
    expect((await gql(EVENTS, {}, accessToken)).data.me.securityEvents.edges.length).toBe(2);
    clock += 31 * 86400_000;
    // Entries younger than the retention stay.
    const newer = (await gql(REGISTER, { input: newUser() })).data.register.accessToken as string;
    await t.app.runTasks();
    expect((await gql(EVENTS, {}, newer)).data.me.securityEvents.edges.length).toBe(2);
    const fresh = (await gql(LOGIN, { email: 'nobody@example.com', password: 'whatever it is' })).data.login;
    expect(fresh.__typename).toBe('InvalidCredentialsError');
    const { rows } = await t.db.query('select count(*)::int as n from security_events where created_at < $1', [new Date(clock - 30 * 86400_000)]);
    expect(rows[0].n).toBe(0);
  });
});

function sessionIdOf(accessToken: string): string {
  return JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()).sid;
}
