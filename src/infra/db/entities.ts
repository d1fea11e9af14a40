import { AccountToken, type AccountTokenPurpose } from '../../features/email-links/AccountToken';
import { RefreshToken } from '../../sessions/RefreshToken';
import { Session } from '../../sessions/Session';
import { User } from '../../users/User';

/** Every entity, listed explicitly: no folder scanning, so every runner and bundler sees the same set. */
export const entities = [User, Session, RefreshToken, AccountToken];
export { AccountToken, RefreshToken, Session, User, type AccountTokenPurpose };
