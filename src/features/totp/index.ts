import { SecretBox } from '../../infra/crypto/SecretBox';
import { feature } from '../Feature';
import { totpConfig } from './config';
import { TotpResolver } from './graphql/TotpResolver';
import { RecoveryCode, TotpCredential } from './TotpCredential';
import { TotpService } from './TotpService';

/** Two-factor authentication: an authenticator app (TOTP) with recovery codes, a second factor of the login flow. */
export const totp = feature({
  name: 'totp',
  config: totpConfig,
  entities: [TotpCredential, RecoveryCode],
  resolvers: [TotpResolver],
  create: (kit, settings) => {
    const service = new TotpService(
      kit.orm,
      kit.transactions,
      kit.loginFlow,
      kit.reauth,
      kit.sessions,
      kit.limits,
      { confirm: { name: 'totp-confirm', limit: kit.config.login.checksPerAccount } },
      new SecretBox(settings.encryptionKeys),
      { issuer: settings.issuer, recentSignInSeconds: kit.config.login.recentSignInSeconds },
      kit.logger,
      kit.now,
    );
    kit.loginFlow.registerSecondFactor(service);
    kit.reauth.register(service);
    // No listener for reclaimed accounts: an app does not sign anyone in by itself, and a password
    // reset never bypasses it (see forgetWhenReclaimed).
    return { service };
  },
});
