import type { MikroORM } from '@mikro-orm/postgresql';
import { isUuid } from '../../core/validation';
import type { AttemptLimits, LimitRule } from '../../core/AttemptLimits';
import type { ServiceContext, ViewerContext } from '../../core/context';
import { failure, type Failure, type RateLimited } from '../../core/results';
import type { Transactions } from '../../core/Transactions';
import type { RefreshFailure, SessionInfo, SessionService, SignedIn } from '../../sessions/SessionService';
import { refreshFailures } from '../../sessions/SessionService';
import { lockUser } from '../../users/users';


export interface SessionRevoked {
  readonly kind: 'session-revoked';
  readonly sessionId: string;
}

const sessionNotFound = () => failure('SESSION_NOT_FOUND', 'Session not found.');

/**
 * The viewer's sessions, as clients manage them: refreshing, listing, and ending one, the others, or
 * all. Every ending is a security event; the session core (sessions/) does the work.
 */
export class SessionsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly transactions: Transactions,
    private readonly sessions: SessionService,
    private readonly limits: AttemptLimits,
    /** Failed refreshes per client address: only failures count, so a NAT of honest clients is fine. */
    private readonly refreshFailures: LimitRule,
  ) {}

  /** `presented` is undefined when the request had neither a token argument nor a usable cookie. */
  async refresh(ctx: ServiceContext, presented: string | undefined): Promise<SignedIn | RefreshFailure | RateLimited> {
    const address = this.limits.address(ctx.client.ipAddress);
    const limited = await this.limits.peek(this.refreshFailures, address);
    if (limited) return limited;
    const result =
      presented === undefined
        ? refreshFailures.invalid()
        : await this.transactions.run(ctx, async (tx) => {
            const rotated = await this.sessions.rotate(tx, presented);
            // A reused token ended its session: that is the owner's to see in their security log.
            if ('ended' in rotated && rotated.ended) {
              await tx.publish({ type: 'session-revoked', userId: rotated.ended.userId, sessionId: rotated.ended.sessionId });
              const { ended: _ended, ...answer } = rotated;
              return answer as RefreshFailure;
            }
            return rotated;
          });
    if (result.kind !== 'signed-in') await this.limits.hit(this.refreshFailures, address);
    return result;
  }

  list(ctx: ViewerContext): Promise<SessionInfo[]> {
    return this.sessions.list(this.orm.em.fork(), ctx.viewer.userId, ctx.viewer.sessionId);
  }

  /** Ends one of the viewer's sessions (possibly the current one). */
  async revoke(ctx: ViewerContext, sessionId: string): Promise<SessionRevoked | Failure<'SESSION_NOT_FOUND'>> {
    if (!isUuid(sessionId)) return sessionNotFound();
    const ended = await this.end(ctx, { only: sessionId });
    if (ended.length !== 1) return sessionNotFound();
    const revoked: SessionRevoked = { kind: 'session-revoked', sessionId };
    return revoked;
  }

  /** Ends every session of the viewer but the current one; returns how many were ended. */
  async revokeOthers(ctx: ViewerContext): Promise<number> {
    return (await this.end(ctx, { except: ctx.viewer.sessionId })).length;
  }

  /** Ends the current session: its access and refresh tokens stop working on every instance. */
  async logout(ctx: ViewerContext): Promise<true> {
    await this.end(ctx, { only: ctx.viewer.sessionId });
    return true;
  }

  /** Ends every session of the viewer. */
  async logoutEverywhere(ctx: ViewerContext): Promise<true> {
    await this.transactions.run(ctx, async (tx) => {
      // The account's row, as other changes that end every sign-in lock it: a second step finishing
      // now either opens its session first (ended here) or waits and finds its ticket ended.
      await lockUser(tx.em, ctx.viewer.userId);
      await this.sessions.end(tx, ctx.viewer.userId, {});
      await tx.publish({ type: 'signed-out-everywhere', userId: ctx.viewer.userId });
    });
    return true;
  }

  private end(ctx: ViewerContext, which: { only?: string; except?: string }): Promise<string[]> {
    return this.transactions.run(ctx, async (tx) => {
      const ended = await this.sessions.end(tx, ctx.viewer.userId, which);
      for (const sessionId of ended) await tx.publish({ type: 'session-revoked', userId: ctx.viewer.userId, sessionId });
      return ended;
    });
  }
}
