import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import {
  ArrayType,
  BigIntType,
  BlobType,
  Entity,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
  type Ref,
} from '@mikro-orm/core';
import { User } from '../../users/User';

/** How an authenticator keeps a credential: on one device only, or synced between devices (a cloud keychain). */
export type PasskeyDeviceType = 'singleDevice' | 'multiDevice';

/**
 * A WebAuthn credential registered to a user: its id, as the authenticator names it, and its public
 * key (COSE, as @simplewebauthn/server returns it). Nothing secret is stored: the private key never
 * leaves the authenticator. The signature counter is kept to notice a cloned authenticator.
 */
@Entity({ tableName: 'passkeys' })
@Index({ name: 'passkeys_user_index', properties: ['user'] })
export class Passkey {
  [OptionalProps]?: 'id' | 'lastUsedAt' | 'createdAt';

  /** The id clients name it by (random: says nothing about the credential). */
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: 'cascade', ref: true })
  user: Ref<User>;

  /**
   * The credential id, base64url as in WebAuthn's JSON (at most 1023 bytes: 1364 characters). Unique
   * across every user: a credential belongs to one account, so a sign-in that names it finds exactly
   * one; the database decides between two registrations of one credential.
   */
  @Property({ type: 'string', length: 1400 })
  @Unique({ name: 'passkeys_credential_id_unique' })
  credentialId: string;

  /** The credential public key, COSE-encoded. */
  @Property({ type: BlobType, hidden: true })
  publicKey: Buffer;

  /** The last signature counter seen (WebAuthn: 32 bits unsigned, so wider than an int); 0 when the authenticator keeps none. */
  @Property({ type: new BigIntType('number') })
  counter: number;

  /** How the browser said it can reach the authenticator (`internal`, `hybrid`, `usb`...): a hint for later ceremonies. */
  @Property({ type: ArrayType })
  transports: string[];

  /** From the backup-eligible flag, which an authenticator sets once and never changes. */
  @Property({ type: 'string', length: 20 })
  deviceType: PasskeyDeviceType;

  /** From the backup-state flag: whether a synced passkey is backed up now (it may change). */
  @Property({ type: 'boolean' })
  backedUp: boolean;

  /** The user's name for it. */
  @Property({ type: 'string', length: 100 })
  name: string;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, nullable: true })
  lastUsedAt?: Date | null;
}

/** A user's passkeys, oldest first (the order the account lists them and WebAuthn offers them). */
export function passkeysOf(em: EntityManager, userId: string): Promise<Passkey[]> {
  return em.find(Passkey, { user: userId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
}
