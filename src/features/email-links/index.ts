import { AfterAnswer } from '../../core/AfterAnswer';
import { feature } from '../Feature';
import { emailLinkConfig } from './config';
import { EmailLinkService } from './EmailLinkService';
import { EmailLinkResolver } from './graphql/EmailLinkResolver';
import { User } from '../../users/User';

/** The account's email address: verifying it, and changing it, by emailed links. */
export const emailLinks = feature({
  name: 'emailLinks',
  config: emailLinkConfig,
  entities: [],
  resolvers: [EmailLinkResolver],
  create: (kit, settings) => {
    const service = new EmailLinkService(
      kit.orm,
      kit.transactions,
      kit.reauth,
      kit.linkTokens,
      kit.limits,
      {
        verifyPerIp: { name: 'verify', limit: settings.limits.verifyPerIp },
        verifyPerAddress: { name: 'verify', limit: settings.limits.verifyPerAddress },
      },
      { ...settings, appUrl: kit.config.mail.appUrl },
      new AfterAnswer(kit.logger),
      kit.now,
    );
    return {
      service,
      listeners: [
        {
          // Every new account gets a verification link, written with the account itself; but not one
          // made through an identity provider that vouched for the address (already verified).
          inTransaction: async (tx, event) => {
            if (event.type !== 'registered') return;
            const user = await tx.em.findOneOrFail(User, { id: event.userId });
            if (!user.emailVerified) await service.sendVerification(tx, user);
          },
        },
      ],
    };
  },
});
