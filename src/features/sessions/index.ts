import { feature } from '../Feature';
import { sessionsConfig } from './config';
import { SessionResolver } from './graphql/SessionResolver';
import { SessionsService } from './SessionsService';

/** Managing sessions: refreshing, listing, ending one, the others or all. */
export const sessions = feature({
  name: 'sessions',
  config: sessionsConfig,
  entities: [],
  resolvers: [SessionResolver],
  create: (kit, settings) => ({
    service: new SessionsService(kit.orm, kit.transactions, kit.sessions, kit.limits, {
      name: 'refresh-fail',
      limit: settings.limits.refreshPerIp,
    }),
    tasks: [
      {
        // Ended sessions (with their refresh tokens) and expired link tokens, after a day.
        name: 'prune ended sessions and expired links',
        everyMs: 3_600_000,
        run: async () => {
          const em = kit.orm.em.fork();
          const sessions = await kit.sessions.pruneEnded(em);
          await kit.linkTokens.pruneExpired(em);
          return sessions;
        },
      },
    ],
  }),
});
