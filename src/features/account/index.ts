import { feature } from '../Feature';
import { AccountService } from './AccountService';
import { accountConfig } from './config';
import { AccountResolver } from './graphql/AccountResolver';
import { ProfileCache } from './ProfileCache';

/** The account itself: the viewer's profile, and deleting the account. */
export const account = feature({
  name: 'account',
  config: accountConfig,
  entities: [],
  resolvers: [AccountResolver],
  create: (kit, settings) => {
    const service = new AccountService(
      kit.orm,
      kit.transactions,
      kit.reauth,
      kit.allowlist,
      new ProfileCache(kit.profiles, settings.profileCacheTtlSeconds, kit.logger),
    );
    return { service, listeners: [{ afterCommit: (event) => service.afterChange(event) }] };
  },
});
