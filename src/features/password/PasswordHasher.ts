import { createHmac, randomBytes } from 'node:crypto';
import type { HashPool } from '../../infra/hashing/HashPool';

/**
 * bcrypt reads only the first 72 bytes of its input, so two long passwords that share those bytes would
 * both match one hash. We never give bcrypt the password itself: we give it a fixed-length digest of the
 * whole password, HMAC-SHA256 under a constant application key, base64-encoded (44 ASCII bytes, well
 * under 72 and free of the NUL bytes bcrypt would also stop at). Every byte of the password now counts.
 * The HMAC key is not a secret; it only makes the digest specific to this service, so leaked plain
 * SHA-256 hashes from elsewhere cannot be tried against our bcrypt hashes ("password shucking").
 *
 * Passwords are NFC-normalised first, so the same password typed as composed or decomposed Unicode
 * (as different keyboards and platforms produce) is one password.
 */
const PREHASH_KEY = 'graphql-auth-service/bcrypt-prehash/v1';

export function normalizePassword(password: string): string {
  return password.normalize('NFC');
}

export function prehash(password: string): string {
  return createHmac('sha256', PREHASH_KEY).update(normalizePassword(password), 'utf8').digest('base64');
}

export class PasswordHasher {
  /** A real hash of a random value at the configured cost, compared against for unknown accounts. */
  private dummyHash?: Promise<string>;

  constructor(
    private readonly pool: HashPool,
    private readonly cost: number,
  ) {
    // Made at start, so that not even the first unknown-email login pays for it (and is told apart).
    this.getDummyHash().catch(() => undefined);
  }

  hash(password: string): Promise<string> {
    return this.pool.hash(prehash(password), this.cost);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return this.pool.compare(prehash(password), hash);
  }

  /**
   * True when a stored hash was made at another cost than the configured one. Login then re-hashes the
   * password it just verified: raising BCRYPT_COST strengthens every account as its owner signs in, and
   * known accounts do not answer at a different speed than unknown ones (whose dummy hash is at the
   * configured cost).
   */
  needsRehash(hash: string): boolean {
    const cost = Number(/^\$2[abxy]?\$(\d{2})\$/.exec(hash)?.[1]);
    return cost !== this.cost;
  }

  /**
   * Spends the same bcrypt work as `verify` and always fails. Login calls it for unknown emails so
   * that the response time does not reveal whether an account exists.
   */
  async verifyAgainstNothing(password: string): Promise<false> {
    await this.pool.compare(prehash(password), await this.getDummyHash());
    return false;
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= this.pool.hash(randomBytes(16).toString('base64'), this.cost).catch((error: unknown) => {
      this.dummyHash = undefined; // try again next time (e.g. the pool was saturated)
      throw error;
    });
    return this.dummyHash;
  }
}
