import type { ViewerContext } from '../core/context';
import { NotAllowedNowError } from '../core/errors';

/** Whether the viewer proved who they are (`auth_time`) within the last `windowSeconds`. */
export function signedInWithin(ctx: ViewerContext, windowSeconds: number, now: number): boolean {
  return now - ctx.viewer.authTime.getTime() <= windowSeconds * 1000;
}

/**
 * Changes to the ways into an account (an authenticator app, a passkey, a linked identity, added or
 * removed) need a recent sign-in: an older, perhaps stolen, session must not add a way in of its own,
 * nor take away its owner's (a passkey that is their second factor, an identity they sign in with).
 * Refreshing a session keeps its `auth_time`: only signing in again counts.
 *
 * @param toDo what the user tried, as in "Sign in again to <toDo>".
 */
export function requireRecentSignIn(ctx: ViewerContext, windowSeconds: number, now: number, toDo: string): void {
  if (!signedInWithin(ctx, windowSeconds, now)) {
    throw new NotAllowedNowError(`Sign in again to ${toDo}: it needs a sign-in within the last ${Math.round(windowSeconds / 60)} minutes.`);
  }
}
