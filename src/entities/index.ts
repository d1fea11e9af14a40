import { AccountToken, type AccountTokenPurpose } from './AccountToken';
import { RefreshToken } from './RefreshToken';
import { Session } from './Session';
import { User } from './User';

/** Every entity, listed explicitly: no folder scanning, so every runner and bundler sees the same set. */
export const entities = [User, Session, RefreshToken, AccountToken];
export { AccountToken, RefreshToken, Session, User, type AccountTokenPurpose };
