import { createHash } from 'node:crypto';

/** Hex SHA-256: how opaque tokens (refresh tokens, emailed link tokens) are stored and looked up. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
