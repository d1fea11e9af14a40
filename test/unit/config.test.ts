import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index';

/** Every setting production requires, each valid: a test changes or removes one to see what it does. */
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'x'.repeat(32),
  REFRESH_TOKEN_SECRET: 'y'.repeat(32),
  SMTP_URL: 'smtp://mail.example:587',
  APP_URL: 'https://app.example',
  DATABASE_URL: 'postgresql://db/auth',
  REDIS_URL: 'redis://cache:6379',
  TOTP_ENCRYPTION_KEY: 'k'.repeat(43),
  WEBAUTHN_RP_ID: 'app.example',
  WEBAUTHN_RP_NAME: 'Example',
  WEBAUTHN_ORIGINS: 'https://app.example',
};

describe('loadConfig', () => {
  it('starts with zero configuration on development defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      isProduction: false,
      port: 4000,
      host: undefined,
      databaseUrl: undefined,
      redis: undefined,
      logLevel: 'info',
    });
    expect(config.features.password.bcryptCost).toBe(12);
    expect(config.jwt.secretGenerated).toBe(true);
    expect(config.jwt.secret.byteLength).toBe(32);
    expect(config.jwt.accessTokenTtlSeconds).toBe(900);
    expect(config.dataDir).toMatch(/\.data$/);
  });

  it('takes CORS_ORIGINS as * or a list of exact origins, and the refresh cookie settings', () => {
    expect(loadConfig({}).corsOrigins).toEqual(['*']);
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example, http://localhost:5173' }).corsOrigins).toEqual([
      'https://app.example',
      'http://localhost:5173',
    ]);
    expect(() => loadConfig({ CORS_ORIGINS: '*,https://app.example' })).toThrow('CORS_ORIGINS is either * or a list of origins');
    expect(() => loadConfig({ CORS_ORIGINS: 'https://app.example/' })).toThrow('"https://app.example/" is not an origin');
    expect(() => loadConfig({ CORS_ORIGINS: 'app.example' })).toThrow('"app.example" is not an origin');
    expect(loadConfig({}).features.sessions.refreshCookie).toEqual({ path: '/graphql', sameSite: 'Strict' });
    expect(loadConfig({ REFRESH_COOKIE_PATH: '/api/graphql', REFRESH_COOKIE_SAME_SITE: 'none' }).features.sessions.refreshCookie).toEqual({
      path: '/api/graphql',
      sameSite: 'None',
    });
    expect(() => loadConfig({ REFRESH_COOKIE_PATH: '/a; Domain=evil.example' })).toThrow('REFRESH_COOKIE_PATH');
  });

  it('is frozen', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.jwt)).toBe(true);
  });

  it('reads durations in seconds, minutes and hours', () => {
    expect(loadConfig({ ACCESS_TOKEN_TTL: '90' }).jwt.accessTokenTtlSeconds).toBe(90);
    expect(loadConfig({ ACCESS_TOKEN_TTL: '5m' }).jwt.accessTokenTtlSeconds).toBe(300);
    expect(loadConfig({ ACCESS_TOKEN_TTL: '1h' }).jwt.accessTokenTtlSeconds).toBe(3600);
  });

  it('refuses to start, naming every problem at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        NODE_ENV: 'production',
        PORT: '70000',
        ACCESS_TOKEN_TTL: 'forever',
        BCRYPT_COST: '3',
        LOG_LEVEL: 'loud',
        REDIS_URL: 'http://user:hunter2@cache',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toHaveLength(14);
    expect(error!.message).toContain('TOTP_ENCRYPTION_KEY is required when NODE_ENV=production');
    expect(error!.message).toContain('WEBAUTHN_RP_ID is required when NODE_ENV=production');
    expect(error!.message).toContain('WEBAUTHN_RP_NAME is required when NODE_ENV=production');
    expect(error!.message).toContain('WEBAUTHN_ORIGINS is required when NODE_ENV=production');
    expect(error!.message).toContain('SMTP_URL is required when NODE_ENV=production');
    expect(error!.message).toContain('APP_URL is required when NODE_ENV=production');
    expect(error!.message).toContain('REFRESH_TOKEN_SECRET is required when NODE_ENV=production');
    expect(error!.message).toContain('DATABASE_URL is required when NODE_ENV=production');
    expect(error!.message).toContain('JWT_SECRET (or JWT_KEYS) is required when NODE_ENV=production');
    expect(error!.message).toContain('PORT must be a whole number from 0 to 65535');
    expect(error!.message).toContain('ACCESS_TOKEN_TTL must be a duration');
    expect(error!.message).toContain('BCRYPT_COST');
    expect(error!.message).toContain('LOG_LEVEL must be one of');
    expect(error!.message).toContain('REDIS_URL must start with redis:// or rediss://');
    expect(error!.message).not.toContain('hunter2');
  });

  it('requires a JWT secret of at least 32 bytes', () => {
    expect(() => loadConfig({ JWT_SECRET: 'too-short' })).toThrow(/at least 32 bytes \(got 9\)/);
    const config = loadConfig(PRODUCTION);
    expect(config.jwt.secretGenerated).toBe(false);
    expect(config.isProduction).toBe(true);
  });

  it('takes TOTP_ENCRYPTION_KEY as 32 bytes in hex or base64, several to rotate; warns without one in development', () => {
    const hex = 'ab'.repeat(32);
    const base64 = Buffer.alloc(32, 7).toString('base64');
    const config = loadConfig({ TOTP_ENCRYPTION_KEY: `${hex}, ${base64}` });
    expect(config.features.totp.encryptionKeys.map((k) => Buffer.from(k).toString('hex'))).toEqual([hex, '07'.repeat(32)]);
    expect(config.features.totp.keyGenerated).toBe(false);
    expect(() => loadConfig({ TOTP_ENCRYPTION_KEY: 'secret-but-short' })).toThrow(/TOTP_ENCRYPTION_KEY entry 1 is not 32 bytes/);
    expect(() => loadConfig({ TOTP_ENCRYPTION_KEY: 'secret-but-short' })).not.toThrow(/secret-but-short/);
    const fallback = loadConfig({});
    expect(fallback.features.totp.keyGenerated).toBe(true);
    expect(fallback.warnings.join()).toContain('TOTP_ENCRYPTION_KEY is not set');
  });

  it('binds passkeys to localhost and the demo page in development; checks every origin as a browser would', () => {
    expect(loadConfig({}).features.passkeys).toMatchObject({ rpId: 'localhost', rpName: 'graphql-auth-service', origins: ['http://localhost:5173'] });
    const config = loadConfig({
      WEBAUTHN_RP_ID: 'example.com',
      WEBAUTHN_RP_NAME: 'Example',
      WEBAUTHN_ORIGINS: `https://example.com, https://app.example.com:8443,android:apk-key-hash:${'A'.repeat(43)}`,
    });
    expect(config.features.passkeys).toMatchObject({
      rpId: 'example.com',
      rpName: 'Example',
      origins: ['https://example.com', 'https://app.example.com:8443', `android:apk-key-hash:${'A'.repeat(43)}`],
    });
    expect(config.warnings.join()).not.toContain('WEBAUTHN');
    // Browsers refuse an IP address as RP ID, and passkeys over http anywhere but localhost.
    expect(() => loadConfig({ WEBAUTHN_RP_ID: '127.0.0.1' })).toThrow(/WEBAUTHN_RP_ID must be a lower-case domain name/);
    expect(() => loadConfig({ WEBAUTHN_RP_ID: 'https://example.com' })).toThrow(/WEBAUTHN_RP_ID must be a lower-case domain name/);
    expect(() => loadConfig({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'http://example.com' })).toThrow(/"http:\/\/example.com" must use https/);
    expect(() => loadConfig({ WEBAUTHN_ORIGINS: 'http://localhost:5173/app' })).toThrow(/is not an origin/);
    expect(() => loadConfig({ WEBAUTHN_ORIGINS: 'android:apk-key-hash:short' })).toThrow(/android:apk-key-hash/);
    // Another domain works only through Related Origin Requests: allowed, with a warning that says so.
    const related = loadConfig({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.com,https://example.org' });
    expect(related.warnings.join()).toContain('"https://example.org" is not on WEBAUTHN_RP_ID "example.com"');
  });

  it('refuses a Redis key prefix that would break cluster hash tags', () => {
    expect(() => loadConfig({ REDIS_KEY_PREFIX: 'app{1}:' })).toThrow(/REDIS_KEY_PREFIX must not contain/);
  });

  it('reaches Redis as one server, a cluster or through Sentinel, exactly one of them', () => {
    expect(loadConfig({ REDIS_URL: 'redis://:pw@cache:6379/2' }).redis).toEqual({ kind: 'standalone', url: 'redis://:pw@cache:6379/2' });
    expect(loadConfig({ REDIS_CLUSTER_URLS: 'redis://a:7000, redis://b:7001,' }).redis).toEqual({
      kind: 'cluster',
      urls: ['redis://a:7000', 'redis://b:7001'],
    });
    expect(loadConfig({ REDIS_SENTINEL_URLS: 'redis://s1:26379,redis://s2:26379' }).redis).toEqual({
      kind: 'sentinel',
      urls: ['redis://s1:26379', 'redis://s2:26379'],
      masterName: 'mymaster',
    });
    expect(
      loadConfig({ REDIS_SENTINEL_URLS: 'redis://:sentinel-pw@s1:26379', REDIS_SENTINEL_MASTER: 'auth', REDIS_SENTINEL_MASTER_PASSWORD: 'master-pw' })
        .redis,
    ).toMatchObject({ masterName: 'auth', masterPassword: 'master-pw', masterUsername: undefined });
    expect(() => loadConfig({ REDIS_URL: 'redis://a', REDIS_SENTINEL_MASTER_PASSWORD: 'pw' })).toThrow(/REDIS_SENTINEL_MASTER_PASSWORD needs REDIS_SENTINEL_URLS/);
    expect(() => loadConfig({ REDIS_SENTINEL_URLS: 'redis://s1:26379', REDIS_SENTINEL_MASTER_USERNAME: 'app' })).toThrow(
      /REDIS_SENTINEL_MASTER_USERNAME needs REDIS_SENTINEL_MASTER_PASSWORD/,
    );
    expect(() => loadConfig({ REDIS_CLUSTER_URLS: 'redis://a:7000/2' })).toThrow(/REDIS_CLUSTER_URLS entry 1 must not name a database/);
    expect(() => loadConfig({ REDIS_SENTINEL_URLS: 'redis://s1:26379/1' })).toThrow(/REDIS_SENTINEL_URLS entry 1 must not name a database/);
    // Never the value itself, which may hold a password.
    expect(() => loadConfig({ REDIS_CLUSTER_URLS: 'redis://:hunter2@a:7000,http://:hunter2@b' })).toThrow(/^(?![\s\S]*hunter2)/);
    expect(() => loadConfig({ REDIS_URL: 'redis://a', REDIS_CLUSTER_URLS: 'redis://b:7000' })).toThrow(/only one of REDIS_URL/);
    expect(() => loadConfig({ REDIS_CLUSTER_URLS: 'redis://a:7000,http://b:7001' })).toThrow(/REDIS_CLUSTER_URLS entry 2 must start with redis:/);
    expect(() => loadConfig({ REDIS_CLUSTER_URLS: ',' })).toThrow(/REDIS_CLUSTER_URLS must list at least one URL/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/REDIS_URL \(or REDIS_CLUSTER_URLS, or REDIS_SENTINEL_URLS\) is required/);
  });

  it('refuses an APP_URL with a query or fragment', () => {
    expect(() => loadConfig({ APP_URL: 'https://app.example/#/' })).toThrow(/APP_URL must be a base URL/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: '  ', PORT: '' })).toMatchObject({
      databaseUrl: undefined,
      redis: undefined,
      port: 4000,
    });
  });

  describe('identity providers', () => {
    const google = { id: 'google', name: 'Google', issuer: 'https://accounts.google.com', clientId: 'client-1', clientSecret: 'hunter2-client-secret' };
    const production = PRODUCTION;
    const problemsOf = (env: Record<string, string>): string[] => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };

    it('reads OIDC_PROVIDERS and GitHub, with openid added to the scopes, and the redirect URIs exactly as listed', () => {
      const config = loadConfig({
        OIDC_PROVIDERS: JSON.stringify([google, { ...google, id: 'keycloak', name: 'Acme SSO', issuer: 'http://localhost:8080/realms/acme', scopes: ['email'] }]),
        GITHUB_CLIENT_ID: 'gh-id',
        GITHUB_CLIENT_SECRET: 'gh-secret',
        EXTERNAL_REDIRECT_URIS: 'https://app.example/signed-in, http://127.0.0.1:4000/auth/callback/google',
      }).features.externalIdentity;
      expect(config.providers).toEqual([
        { kind: 'oidc', ...google, scopes: ['openid', 'email', 'profile'] },
        { kind: 'oidc', ...google, id: 'keycloak', name: 'Acme SSO', issuer: 'http://localhost:8080/realms/acme', scopes: ['openid', 'email'] },
        { kind: 'github', id: 'github', name: 'GitHub', clientId: 'gh-id', clientSecret: 'gh-secret', webUrl: 'https://github.com', apiUrl: 'https://api.github.com' },
      ]);
      expect(config.redirectUris).toEqual(['https://app.example/signed-in', 'http://127.0.0.1:4000/auth/callback/google']);
      expect(config.returnUrl).toBe('http://localhost:3000');
      expect(config.allowInsecureRequests).toBe(true);
      expect(loadConfig({}).features.externalIdentity.providers).toEqual([]);
    });

    it('refuses bad providers, naming each problem and never a secret', () => {
      const problems = problemsOf({
        OIDC_PROVIDERS: JSON.stringify([
          google,
          { ...google, clientID: 'typo' },
          { ...google, id: 'Bad Id', issuer: 'accounts.google.com', clientSecret: '' },
          { ...google, id: 'password' },
          { ...google, id: 'github' },
          { ...google, id: 'other', scopes: 'openid' },
        ]),
        GITHUB_CLIENT_ID: 'gh-id',
        GITHUB_CLIENT_SECRET: 'gh-secret',
        EXTERNAL_REDIRECT_URIS: 'https://app.example/cb?x=1,app.example/cb,https://app.example/cb#top',
      });
      expect(problems).toEqual(
        expect.arrayContaining([
          'OIDC_PROVIDERS[1] has unknown fields: clientID',
          'OIDC_PROVIDERS[1].id "google" is used twice',
          'OIDC_PROVIDERS[2].id must be 1 to 32 lower-case letters, digits and dashes (it appears in URLs)',
          "OIDC_PROVIDERS[2].issuer must be the provider's issuer URL, e.g. https://accounts.google.com",
          'OIDC_PROVIDERS[2].clientSecret is required',
          'OIDC_PROVIDERS[3].id "password" is reserved',
          'OIDC_PROVIDERS[5].scopes must be an array of scope names, e.g. ["openid", "email", "profile"]',
          'OIDC_PROVIDERS: the id "github" is taken by GITHUB_CLIENT_ID',
          'EXTERNAL_REDIRECT_URIS entry 1 must not have a ?query or #fragment',
          'EXTERNAL_REDIRECT_URIS entry 2 is not an absolute URL',
          'EXTERNAL_REDIRECT_URIS entry 3 must not have a ?query or #fragment',
        ]),
      );
      expect(problems.join('\n')).not.toContain('hunter2');
      expect(problemsOf({ OIDC_PROVIDERS: `[{"clientSecret": "hunter2"` })).toEqual([
        'OIDC_PROVIDERS must be a JSON array of { id, name, issuer, clientId, clientSecret, scopes? }',
      ]);
      expect(problemsOf({ GITHUB_CLIENT_ID: 'gh-id' })).toContain('set both GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET, or neither');
      expect(problemsOf({ OIDC_PROVIDERS: JSON.stringify([google]) })).toContain(
        'EXTERNAL_REDIRECT_URIS must list the redirect URIs registered at the identity providers (comma-separated)',
      );
    });

    it('takes only https issuers, GitHub URLs and redirect URIs in production (http on loopback for redirect URIs)', () => {
      const problems = problemsOf({
        ...production,
        OIDC_PROVIDERS: JSON.stringify([{ ...google, issuer: 'http://sso.example' }]),
        GITHUB_CLIENT_ID: 'gh-id',
        GITHUB_CLIENT_SECRET: 'gh-secret',
        GITHUB_WEB_URL: 'http://github.example',
        EXTERNAL_REDIRECT_URIS: 'http://app.example/cb,http://127.0.0.1:8123/cb',
      });
      expect(problems).toEqual([
        'OIDC_PROVIDERS[0].issuer must be an https URL in production',
        'GITHUB_WEB_URL must start with https://',
        'EXTERNAL_REDIRECT_URIS entry 1 must be https in production (or http on a loopback address)',
      ]);
      const ok = loadConfig({ ...production, OIDC_PROVIDERS: JSON.stringify([google]), EXTERNAL_REDIRECT_URIS: 'https://app.example/cb' });
      expect(ok.features.externalIdentity.allowInsecureRequests).toBe(false);
      expect(ok.features.externalIdentity.returnUrl).toBe('https://app.example');
    });
  });
});
