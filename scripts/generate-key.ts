import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';

/**
 * Prints a new private signing key as a JSON array with one JWK, ready to be JWT_KEYS:
 * `JWT_KEYS="$(npm run -s key:generate -- EdDSA)"` (or ES256, HS256). To rotate, append the new key
 * object to the end of the existing JWT_KEYS array (the last key signs) and drop the oldest once every
 * token it signed has expired. Needs the dev dependencies: run it where you develop, not in the image.
 */
async function main(): Promise<void> {
  const alg = process.argv[2] ?? 'EdDSA';
  const kid = `${alg.toLowerCase()}-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  if (alg === 'HS256') {
    console.log(JSON.stringify([{ kty: 'oct', kid, k: randomBytes(32).toString('base64url') }]));
    return;
  }
  if (alg !== 'EdDSA' && alg !== 'ES256') throw new Error('algorithm must be EdDSA, ES256 or HS256');
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  console.log(JSON.stringify([{ ...(await exportJWK(privateKey)), kid }]));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
