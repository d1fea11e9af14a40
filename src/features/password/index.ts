import { AfterAnswer } from '../../core/AfterAnswer';
import { addressRules } from '../../login/LoginFlow';
import { feature } from '../Feature';
import { passwordConfig } from './config';
import { PasswordResolver } from './graphql/PasswordResolver';
import { PasswordCredential } from './PasswordCredential';
import { PasswordHasher } from './PasswordHasher';
import { PasswordService } from './PasswordService';

/** Signing in with a password: register, login, change, and reset by an emailed link. */
export const password = feature({
  name: 'password',
  config: passwordConfig,
  entities: [PasswordCredential],
  resolvers: [PasswordResolver],
  create: (kit, settings) => {
    const { limits } = settings;
    const shared = addressRules(kit.config.login);
    const service = new PasswordService(
      kit.orm,
      kit.transactions,
      new PasswordHasher(kit.hashPool, settings.bcryptCost),
      kit.loginFlow,
      kit.reauth,
      kit.sessions,
      kit.linkTokens,
      kit.limits,
      {
        loginFailures: shared.failures,
        register: shared.registrations,
        reset: { name: 'reset', limit: limits.resetPerIp },
      },
      { resetTtlSeconds: settings.resetTtlSeconds, appUrl: kit.config.mail.appUrl },
      new AfterAnswer(kit.logger),
      kit.logger,
      kit.now,
    );
    kit.reauth.register(service);
    kit.signInMethods.register(service);
    return {
      service,
      listeners: [
        {
          // Whoever followed the reset link controls the address: lockouts on the account end too.
          afterCommit: async (event) => {
            if (event.type === 'password-reset') await service.forgiveAfterReset(event.userId, event.email);
          },
        },
      ],
    };
  },
});
