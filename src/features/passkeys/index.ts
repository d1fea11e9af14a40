import { declareCredentialEvent } from '../../core/credentialEvents';
import { forgetWhenReclaimed } from '../../core/events';
import type { Route } from '../../http/router';
import { addressRules } from '../../login/LoginFlow';
import { feature } from '../Feature';
import { passkeysConfig } from './config';
import { PasskeyResolver } from './graphql/PasskeyResolver';
import { PASSKEY_TYPES } from './graphql/types';
import { Passkey } from './Passkey';
import { PasskeyAssertions } from './PasskeyAssertions';
import { PasskeyChallenges } from './PasskeyChallenges';
import { PasskeyService } from './PasskeyService';
import { PasskeySignIn } from './PasskeySignIn';
import { RelyingParty } from './RelyingParty';

const PASSKEYS_RECLAIMED = declareCredentialEvent('PASSKEYS_RECLAIMED', {
  description:
    'A password reset was the first proof of the address, so the passkeys added before it (perhaps by someone ' +
    'who registered an address they do not own) were removed.',
});

/**
 * Passkeys (WebAuthn, with @simplewebauthn/server): sign in without a password, create an account
 * with one, use one as the second factor after a password, and confirm sensitive changes with one.
 */
export const passkeys = feature({
  name: 'passkeys',
  config: passkeysConfig,
  entities: [Passkey],
  resolvers: [PasskeyResolver],
  types: PASSKEY_TYPES,
  create: (kit, settings) => {
    const shared = addressRules(kit.config.login);
    const relyingParty = new RelyingParty(settings);
    const challenges = new PasskeyChallenges(kit.ephemeral, kit.now);
    const credentials = new PasskeyService(
      kit.orm,
      kit.transactions,
      kit.loginFlow,
      kit.signInMethods,
      kit.limits,
      { registrations: shared.registrations, challenges: { name: 'passkey-challenge', limit: settings.limits.challengesPerIp } },
      challenges,
      relyingParty,
      { recentSignInSeconds: kit.config.login.recentSignInSeconds },
      kit.logger,
      kit.now,
    );
    const signIn = new PasskeySignIn(
      kit.orm,
      kit.transactions,
      kit.loginFlow,
      kit.limits,
      { failures: shared.failures },
      challenges,
      relyingParty,
      new PasskeyAssertions(relyingParty, kit.logger),
      (ctx) => credentials.countChallenge(ctx),
    );
    kit.loginFlow.registerSecondFactor(signIn);
    kit.reauth.register(signIn);
    kit.signInMethods.register(credentials);
    return {
      service: { credentials, signIn },
      routes: [relatedOriginsRoute(settings)],
      listeners: [forgetWhenReclaimed((em, userId) => em.nativeDelete(Passkey, { user: userId }), PASSKEYS_RECLAIMED)],
    };
  },
});

/**
 * WebAuthn Related Origin Requests: browsers let a page on another domain use the RP ID when
 * `https://<RP ID>/.well-known/webauthn` lists its origin. Served here for deployments where this
 * service answers at the RP ID's host (or a proxy maps that path to it); elsewhere, publish the same
 * document there.
 */
function relatedOriginsRoute(settings: { origins: readonly string[] }): Route {
  const body = JSON.stringify({ origins: settings.origins.filter((origin) => !origin.startsWith('android:')) });
  return {
    method: 'GET',
    path: '/.well-known/webauthn',
    handle: (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('cache-control', 'public, max-age=300');
      res.end(body);
    },
  };
}
