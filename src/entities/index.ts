import { User } from './User';

/** Every entity, listed explicitly: no folder scanning, so every runner and bundler sees the same set. */
export const entities = [User];
export { User };
