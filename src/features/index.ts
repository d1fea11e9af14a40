import { account } from './account';
import { emailLinks } from './email-links';
import { passkeys } from './passkeys';
import { externalIdentity } from './external-identity';
import { password } from './password';
import { securityLog } from './security-log';
import { sessions } from './sessions';
import { totp } from './totp';

/**
 * Every feature of the service. The schema, the configuration, the tables, the event listeners, the
 * rate-limit rules and the HTTP routes are all assembled from this list: adding a way to sign in is
 * adding a folder under features/ and a line here.
 */
export const FEATURES = [sessions, account, password, emailLinks, securityLog, totp, passkeys, externalIdentity] as const;

type Features = (typeof FEATURES)[number];

/** Each feature's configuration section, by feature name. */
export type FeatureSettings = {
  readonly [F in Features as F['name']]: ReturnType<F['config']>;
};

/** Each feature's service, by feature name: what resolvers reach as `ctx.services.<name>`. */
export type Services = {
  readonly [F in Features as F['name']]: ReturnType<F['create']>['service'];
};
