import { declareCredentialEvent } from '../../core/credentialEvents';
import { forgetWhenReclaimed } from '../../core/events';
import { feature } from '../Feature';
import { externalIdentityConfig } from './config';
import { ExternalAccounts } from './ExternalAccounts';
import { ExternalIdentity } from './ExternalIdentity';
import { ExternalIdentityService } from './ExternalIdentityService';
import { FlowStates } from './FlowStates';
import { ExternalIdentityResolver } from './graphql/ExternalIdentityResolver';
import { EXTERNAL_IDENTITY_TYPES } from './graphql/types';
import { callbackRoutes } from './http/callbackRoute';
import { GitHubClient } from './providers/GitHubClient';
import type { IdentityProviderClient } from './providers/IdentityProviderClient';
import { OidcClient } from './providers/OidcClient';

const IDENTITIES_RECLAIMED = declareCredentialEvent('IDENTITIES_RECLAIMED', {
  description:
    'A password reset was the first proof of the address, so the identities at other providers linked before it ' +
    '(perhaps by someone who registered an address they do not own) were unlinked.',
});

/** Signing in with other identity providers (OpenID Connect issuers, GitHub), and linking them to accounts. */
export const externalIdentity = feature({
  name: 'externalIdentity',
  config: externalIdentityConfig,
  entities: [ExternalIdentity],
  resolvers: [ExternalIdentityResolver],
  types: EXTERNAL_IDENTITY_TYPES,
  create: (kit, settings) => {
    const options = { allowInsecureRequests: settings.allowInsecureRequests, timeoutMs: settings.timeoutMs };
    const providers: IdentityProviderClient[] = settings.providers.map((provider) =>
      provider.kind === 'github' ? new GitHubClient(provider, options) : new OidcClient(provider, options, kit.logger),
    );
    const accounts = new ExternalAccounts(
      kit.orm,
      kit.transactions,
      kit.loginFlow,
      kit.signInMethods,
      new Set(providers.map((provider) => provider.id)),
      kit.now,
    );
    kit.signInMethods.register(accounts);
    const service = new ExternalIdentityService(
      providers,
      accounts,
      new FlowStates(kit.ephemeral, kit.now),
      kit.limits,
      {
        start: { name: 'external-start', limit: settings.limits.startPerIp },
        failures: { name: 'external-fail', limit: settings.limits.failuresPerIp },
      },
      { redirectUris: settings.redirectUris, recentSignInSeconds: kit.config.login.recentSignInSeconds },
      kit.logger,
      kit.now,
    );
    return {
      service,
      routes: callbackRoutes(service, settings.returnUrl, kit.cookies, kit.logger, kit.now),
      listeners: [forgetWhenReclaimed((em, userId) => em.nativeDelete(ExternalIdentity, { user: userId }), IDENTITIES_RECLAIMED)],
      // Discovery starts with serving, in the background: the service does not wait for providers. One
      // that fails is tried again when it is next needed, and every minute meanwhile.
      tasks:
        providers.length > 0
          ? [{ name: 'discover identity providers', everyMs: 60_000, atStart: true, run: () => service.prepare().then(() => 0) }]
          : [],
    };
  },
});
