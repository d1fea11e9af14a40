import { feature } from '../Feature';
import { securityLogConfig } from './config';
import { SecurityLogResolver } from './graphql/SecurityLogResolver';
import { SecurityEvent } from './SecurityEvent';
import { SecurityLogService } from './SecurityLogService';

/** The security log users see, and the notices of changes to their account. */
export const securityLog = feature({
  name: 'securityLog',
  config: securityLogConfig,
  entities: [SecurityEvent],
  resolvers: [SecurityLogResolver],
  create: (kit, settings) => {
    const service = new SecurityLogService(kit.orm, settings.retentionSeconds, kit.now);
    return {
      service,
      listeners: [{ inTransaction: (tx, event) => service.record(tx, event) }],
      tasks: [{ name: 'prune security log', everyMs: 3_600_000, run: () => service.prune() }],
    };
  },
});
