import { OutboxMessage } from './infra/mail/OutboxMessage';
import { FEATURES } from './features';
import { RefreshToken } from './sessions/RefreshToken';
import { Session } from './sessions/Session';
import { AccountToken } from './users/AccountToken';
import { User } from './users/User';

/**
 * Every entity: the core's and each feature's, listed explicitly (no folder scanning, so every runner
 * and bundler sees the same set). The app, the MikroORM CLI and the drift check all use this list.
 */
export const ENTITIES = [User, AccountToken, Session, RefreshToken, OutboxMessage, ...FEATURES.flatMap((feature) => feature.entities)];
