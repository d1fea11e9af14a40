import { readFileSync } from 'node:fs';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { cacheExchange, Client, fetchExchange } from '@urql/core';
import { buildSchema, isAbstractType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_FILE } from '../../scripts/emit-schema';
import { ALLOWED_REQUEST_HEADERS } from '../../src/http/cors';
import { newUser, startTestApp, type TestApp } from '../helpers/testApp';

/**
 * The client libraries themselves, with their default settings and the setup the README shows for
 * browser apps (cookie transport, credentials), against the running service. Every header they send
 * must be one a CORS preflight allows (or one browsers never preflight).
 */
const SAFELISTED = ['accept', 'accept-language', 'content-language', 'content-type'];
const sentHeaders = new Set<string>();
const recordingFetch: typeof fetch = (input, init) => {
  new Headers(init?.headers).forEach((_, name) => sentHeaders.add(name));
  return fetch(input, init);
};

const REGISTER = gql`
  mutation Register($input: RegisterInput!) {
    register(input: $input) {
      __typename
      ... on AuthSuccess { accessToken refreshToken user { id email } }
      ... on ErrorResult { code }
    }
  }
`;
const ME = gql`
  query Me {
    me { id email firstName }
  }
`;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const requestLine = (operation: string) =>
  t.logs.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'request' && entry.operation === operation);

describe('urql with its defaults', () => {
  it('sends queries as GET (accepted without a preflight header) and mutations as POST', async () => {
    let token: string | undefined;
    const client = new Client({
      url: t.url,
      exchanges: [cacheExchange, fetchExchange],
      fetchOptions: (): RequestInit => ({
        credentials: 'include',
        headers: { 'x-refresh-token-transport': 'cookie', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      }),
      fetch: recordingFetch,
    });
    const user = newUser();
    const registered = await client.mutation(REGISTER, { input: user }).toPromise();
    expect(registered.error).toBeUndefined();
    expect(registered.data.register.__typename).toBe('AuthSuccess');
    expect(registered.data.register.refreshToken).toBeNull(); // it went into the cookie
    token = registered.data.register.accessToken;

    const me = await client.query(ME, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(me.error).toBeUndefined();
    expect(me.data.me.email).toBe(user.email);
    await expect.poll(() => requestLine('Me')).toMatchObject({ method: 'GET', status: 200 });
    expect(requestLine('Register')).toMatchObject({ method: 'POST', status: 200 });
  });
});

describe('Apollo Client with its defaults', () => {
  it('works, client awareness headers included', async () => {
    let token: string | undefined;
    const client = new ApolloClient({
      link: new SetContextLink(({ headers }) => ({
        headers: { ...headers, ...(token && { authorization: `Bearer ${token}` }) },
      })).concat(
        new HttpLink({ uri: t.url, credentials: 'include', headers: { 'x-refresh-token-transport': 'cookie' }, fetch: recordingFetch }),
      ),
      // Apollo's cache must be told which types implement ErrorResult and make up each union.
      cache: new InMemoryCache({ possibleTypes: possibleTypes() }),
      clientAwareness: { name: 'clients-test', version: '1.0.0' },
    });
    const user = newUser();
    const registered = await client.mutate({ mutation: REGISTER, variables: { input: user } });
    const result = registered.data as { register: { __typename: string; accessToken: string; refreshToken: string | null } };
    expect(result.register.__typename).toBe('AuthSuccess');
    expect(result.register.refreshToken).toBeNull();
    token = result.register.accessToken;

    const me = await client.query({ query: ME, fetchPolicy: 'network-only' });
    expect((me.data as { me: { email: string } }).me.email).toBe(user.email);
    client.stop();
    expect(sentHeaders).toContain('apollographql-client-name');
  });
});

describe('the headers both clients sent', () => {
  it('are all allowed by the CORS preflight', () => {
    expect(sentHeaders).toContain('authorization');
    expect(sentHeaders).toContain('x-refresh-token-transport');
    const allowed: readonly string[] = [...ALLOWED_REQUEST_HEADERS, ...SAFELISTED];
    expect([...sentHeaders].filter((name) => !allowed.includes(name))).toEqual([]);
  });
});

/** `possibleTypes` for Apollo's InMemoryCache, from schema.graphql (codegen's fragment-matcher does the same). */
function possibleTypes(): Record<string, string[]> {
  const schema = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
  return Object.fromEntries(
    Object.values(schema.getTypeMap())
      .filter(isAbstractType)
      .map((type) => [type.name, schema.getPossibleTypes(type).map((t) => t.name)]),
  );
}
