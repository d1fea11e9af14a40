import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encryption at rest for secrets the service must read back (an authenticator app's TOTP secret):
 * AES-256-GCM, a fresh 96-bit nonce per value, and associated data that binds each value to where it
 * belongs (e.g. its user), so a ciphertext copied to another row does not decrypt.
 *
 * Keys rotate: the first key encrypts, every key decrypts; each value names its key by a short id
 * (the first bytes of the key's SHA-256), so old values keep working until they are rewritten.
 * Stored form: `v1.<key id>.<base64url(nonce | ciphertext | tag)>`.
 */
export class SecretBox {
  private readonly keys: Map<string, Buffer>;
  private readonly currentId: string;

  constructor(keys: readonly Uint8Array[]) {
    if (keys.length === 0) throw new Error('SecretBox needs at least one key');
    for (const key of keys) if (key.byteLength !== 32) throw new Error('SecretBox keys are 32 bytes (AES-256)');
    this.keys = new Map(keys.map((key) => [keyId(key), Buffer.from(key)]));
    this.currentId = keyId(keys[0]);
  }

  seal(plaintext: Uint8Array, associatedData: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, nonce);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return `v1.${this.currentId}.${body.toString('base64url')}`;
  }

  /** The plaintext, or null when the value is damaged, bound elsewhere, or under a key no longer configured. */
  open(sealed: string, associatedData: string): Buffer | null {
    const [version, id, encoded] = sealed.split('.');
    const key = id === undefined ? undefined : this.keys.get(id);
    if (version !== 'v1' || !key || encoded === undefined) return null;
    const body = Buffer.from(encoded, 'base64url');
    if (body.length < 12 + 16) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, 12));
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([decipher.update(body.subarray(12, body.length - 16)), decipher.final()]);
    } catch {
      return null;
    }
  }
}

function keyId(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}
