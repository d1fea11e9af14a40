/**
 * Kinds of `credential` events (core/events.ts): what happens to a way of signing in, declared by the
 * feature that owns it (an authenticator app turned on, a passkey added, an identity linked). The
 * security log records each under its kind, and mails the account the kind's notice when it has one
 * (OWASP ASVS 5 V6.3.7: users are told when their authentication factors change).
 *
 * Declared when the feature's module loads, like error codes: the schema's `SecurityEventType` enum is
 * built from them, so adding a kind is one declaration in the feature's folder.
 */
export interface CredentialEventKind {
  /** What happened, as the schema describes the enum value. */
  readonly description: string;
  /** The mail sent to the account's address, if any. */
  readonly notice?: { readonly subject: string; readonly lines: readonly string[] };
}

const kinds = new Map<string, CredentialEventKind>();

/** Declares a kind (UPPER_SNAKE, at most 40 characters: the log's column) and returns its name. */
export function declareCredentialEvent<K extends string>(kind: K, definition: CredentialEventKind): K {
  if (!/^[A-Z][A-Z0-9_]{0,39}$/.test(kind)) throw new Error(`credential event kind ${kind} must be UPPER_SNAKE, at most 40 characters`);
  if (kinds.has(kind)) throw new Error(`credential event kind ${kind} declared twice`);
  kinds.set(kind, definition);
  return kind;
}

export function credentialEventKinds(): ReadonlyMap<string, CredentialEventKind> {
  return kinds;
}
