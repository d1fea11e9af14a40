import type { EntityManager } from '@mikro-orm/postgresql';
import { failure, type Failure } from '../core/results';

/** One way a user can sign in, as the account lists it. */
export interface SignInMethod {
  /** What it is: `password`, `passkey`, or an identity provider's id (`github`, `google`...). */
  readonly kind: string;
  /** Which one, for kinds a user can have several of (a passkey's id, a linked identity's id). */
  readonly id: string;
}

export type LastSignInMethod = Failure<'LAST_SIGN_IN_METHOD'>;

/** What a refused removal answers: removing it would leave the account with no way to sign in. */
export function lastSignInMethod(): LastSignInMethod {
  return failure(
    'LAST_SIGN_IN_METHOD',
    'This is the last way to sign in to this account. Add another (a password or a passkey) before removing it.',
  );
}

/** A module that gives users a way to sign in tells which of its ways a user has. */
export interface SignInMethodSource {
  methodsOf(em: EntityManager, userId: string): Promise<readonly SignInMethod[]>;
}

/**
 * Every way a user can sign in, across the modules that offer one (a password, passkeys, identities at
 * other providers). What keeps an account from being left with no way in: a module removing one of
 * its credentials asks `wouldRemainAfter` first, in the same transaction, after locking the user's row
 * (`lockUser`), so two concurrent removals of an account's last two ways cannot both pass.
 *
 * A password reset by email is not counted: it needs the mailbox, and an account should not depend on
 * it to get in.
 */
export class SignInMethods {
  private readonly sources: SignInMethodSource[] = [];

  register(source: SignInMethodSource): void {
    this.sources.push(source);
  }

  async of(em: EntityManager, userId: string): Promise<SignInMethod[]> {
    return (await Promise.all(this.sources.map((source) => source.methodsOf(em, userId)))).flat();
  }

  /** Whether the user keeps at least one way to sign in once `removing` is gone. */
  async wouldRemainAfter(em: EntityManager, userId: string, removing: SignInMethod): Promise<boolean> {
    const methods = await this.of(em, userId);
    return methods.some((method) => method.kind !== removing.kind || method.id !== removing.id);
  }
}
