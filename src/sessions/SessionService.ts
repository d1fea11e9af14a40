import { createHmac, randomBytes } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sha256 } from '../core/digest';
import type { Tx } from '../core/events';
import { failure, type Failure } from '../core/results';
import type { Config } from '../config';
import { User } from '../users/User';
import type { AccessTokens, Authentication } from './AccessTokens';
import { RefreshToken } from './RefreshToken';
import { Session } from './Session';
import type { TokenAllowlist } from '../core/TokenAllowlist';

// Refresh tokens: "rt_" + 43 base64url characters (256 bits). The prefix makes them impossible to
// confuse with access tokens (JWTs have dots) in either direction.
const REFRESH_TOKEN = /^rt_[A-Za-z0-9_-]{43}$/;

/** A session's tokens, as handed to the client that signed in or refreshed. */
export interface SignedIn {
  readonly kind: 'signed-in';
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresAt: Date;
  /** Null when the GraphQL layer moved it into the httpOnly cookie. */
  refreshToken: string | null;
  readonly refreshTokenExpiresAt: Date;
  readonly user: User;
  /** The session these tokens belong to (their `sid`). */
  readonly sessionId: string;
}

export type RefreshFailure = Failure<'INVALID_REFRESH_TOKEN'> | Failure<'REFRESH_TOKEN_REUSED'>;

export const refreshFailures = {
  invalid: (): Failure<'INVALID_REFRESH_TOKEN'> =>
    failure('INVALID_REFRESH_TOKEN', 'The refresh token is invalid or has expired. Please sign in again.'),
  reused: (): Failure<'REFRESH_TOKEN_REUSED'> =>
    failure('REFRESH_TOKEN_REUSED', 'This refresh token was already used. The session has been ended; please sign in again.'),
};

/** A session as the viewer's session list shows it. */
export interface SessionInfo {
  readonly id: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date;
  readonly expiresAt: Date;
  readonly userAgent: string | null;
  readonly ipAddress: string | null;
  readonly current: boolean;
  readonly authMethods: readonly string[];
  readonly authTime: Date;
}

/**
 * Sessions and refresh-token rotation: the core every sign-in method ends in, knowing none of them
 * (Lucia's session core). Only the login flow opens sessions.
 *
 * Every refresh returns a new refresh token and retires the old one. The successor is derived, not
 * random: HMAC-SHA256(REFRESH_TOKEN_SECRET, old token). So when two tabs refresh with the same token at
 * once, both get the same successor (one chain, nobody logged out), without ever storing a token in
 * the clear. The session row is locked while a refresh decides, so concurrent refreshes are
 * serialised by PostgreSQL; the unique (session, generation) constraint backs that up.
 *
 * A retired token presented again after the grace window (or one that is two or more generations
 * old) is reuse: someone else may hold the chain, so the whole session ends (RFC 9700 section 4.14.2).
 *
 * Everything that must hold together (rows, Redis allowlist entries) is written inside the caller's
 * database transaction, with the Redis step last before commit: if Redis fails, nothing is committed.
 */
export class SessionService {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly allowlist: TokenAllowlist,
    private readonly settings: Config['sessions'],
    private readonly now: () => number,
  ) {}

  /**
   * Opens a session for a user who just proved who they are; `issue` then signs it in. Two steps, so
   * that what else the transaction writes comes before the tokens reach Redis, the last step before
   * commit. For the login flow only.
   */
  async open(tx: Tx, user: User, authentication: Authentication): Promise<{ sessionId: string; issue(): Promise<SignedIn> }> {
    const { em, origin } = tx;
    const now = new Date(this.now());
    const session = em.create(Session, {
      user,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + this.settings.absoluteTtlSeconds * 1000),
      userAgent: origin.context.client.userAgent?.slice(0, 512) || null,
      ipAddress: origin.context.client.ipAddress?.slice(0, 64) || null,
      authMethods: [...authentication.methods],
      authTime: authentication.at,
    });
    const refreshToken = `rt_${randomBytes(32).toString('base64url')}`;
    em.create(RefreshToken, { tokenHash: sha256(refreshToken), session, generation: 0, createdAt: now });
    await em.flush();
    return { sessionId: session.id, issue: () => this.signIn(user, session, refreshToken) };
  }

  /**
   * Exchanges a refresh token for new tokens of the same session, which keeps how and when its user
   * signed in. `ended` is set when a reused token ended the session.
   */
  async rotate(tx: Tx, presented: string): Promise<SignedIn | (RefreshFailure & { ended?: { userId: string; sessionId: string } })> {
    if (!REFRESH_TOKEN.test(presented)) return refreshFailures.invalid();
    const { em } = tx;
    const tokenHash = sha256(presented);
    // em.execute runs inside this transaction (on its connection, not a second one from the pool).
    const [row] = await em.execute<Array<{ session_id: string }>>('select session_id from refresh_tokens where token_hash = ?', [tokenHash]);
    if (!row) return refreshFailures.invalid();
    // Which session to lock is found first, without touching the token row; the lock then serialises
    // every refresh and revocation of this session until commit, and the token is read under it.
    const session = await em.findOne(Session, { id: row.session_id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const token = await em.findOne(RefreshToken, { tokenHash });
    if (!session || !token || !this.isActive(session)) return refreshFailures.invalid();

    const now = new Date(this.now());
    const successor = this.successorOf(presented);
    if (!token.rotatedAt) {
      token.rotatedAt = now;
      em.create(RefreshToken, { tokenHash: sha256(successor), session, generation: token.generation + 1, createdAt: now });
    } else {
      const replay = await this.classifyReplay(em, session, token, successor, now);
      if (replay === 'mismatch') return refreshFailures.invalid();
      if (replay === 'reuse') {
        session.revokedAt = now;
        await em.flush();
        tx.beforeCommit(() => this.allowlist.revokeSession(session.user.id, session.id));
        return { ...refreshFailures.reused(), ended: { userId: session.user.id, sessionId: session.id } };
      }
    }
    session.lastUsedAt = now;
    await em.flush();
    const user = await em.findOneOrFail(User, { id: session.user.id });
    return this.signIn(user, session, successor);
  }

  /** A user's live sessions, most recently used first. */
  async list(em: EntityManager, userId: string, currentSessionId: string): Promise<SessionInfo[]> {
    const now = this.now();
    const sessions = await em.find(Session, { user: userId, revokedAt: null }, { orderBy: { lastUsedAt: 'desc' } });
    return sessions
      .filter((session) => this.expiryOf(session).getTime() > now)
      .map((session) => ({
        id: session.id,
        createdAt: session.createdAt,
        lastUsedAt: session.lastUsedAt,
        expiresAt: this.expiryOf(session),
        userAgent: session.userAgent ?? null,
        ipAddress: session.ipAddress ?? null,
        current: session.id === currentSessionId,
        authMethods: session.authMethods,
        authTime: session.authTime,
      }));
  }

  /**
   * Ends live sessions of a user: `only` one, all `except` one, or all (neither given), in the caller's
   * transaction; their tokens are revoked just before it commits. Returns the ids of the sessions ended.
   */
  async end(tx: Tx, userId: string, which: { only?: string; except?: string }): Promise<string[]> {
    const { em } = tx;
    const now = new Date(this.now());
    const sessions = await em.find(
      Session,
      {
        user: userId,
        revokedAt: null,
        ...(which.only !== undefined && { id: which.only }),
        ...(which.except !== undefined && { id: { $ne: which.except } }),
      },
      // Locked in one order everywhere, so concurrent ends and refreshes cannot deadlock.
      { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } },
    );
    for (const session of sessions) session.revokedAt = now;
    await em.flush();
    // Redis last, before commit: if it fails, no session is marked ended while its tokens live on.
    tx.beforeCommit(async () => {
      if (which.only === undefined && which.except === undefined) await this.allowlist.revokeAllForUser(userId);
      else for (const session of sessions) await this.allowlist.revokeSession(userId, session.id);
    });
    return sessions.map((session) => session.id);
  }

  /**
   * Deletes sessions that ended more than a day ago (their refresh tokens go with them), so the table
   * does not grow without bound. Run periodically.
   */
  async pruneEnded(em: EntityManager): Promise<number> {
    const dayAgo = new Date(this.now() - 86_400_000);
    const idleCutoff = new Date(dayAgo.getTime() - this.settings.idleTtlSeconds * 1000);
    return em.nativeDelete(Session, {
      $or: [{ revokedAt: { $lt: dayAgo } }, { expiresAt: { $lt: dayAgo } }, { lastUsedAt: { $lt: idleCutoff } }],
    });
  }

  private async signIn(user: User, session: Session, refreshToken: string): Promise<SignedIn> {
    const issued = await this.tokens.issue(user.id, session.id, { methods: session.authMethods, at: session.authTime });
    // No token leaves unless the allowlist has it: if Redis is down this throws, and the caller's
    // transaction rolls back.
    await this.allowlist.add(user.id, session.id, issued.jti, issued.expiresAt);
    return {
      kind: 'signed-in',
      accessToken: issued.token,
      tokenType: 'Bearer',
      expiresAt: issued.expiresAt,
      refreshToken,
      refreshTokenExpiresAt: this.expiryOf(session),
      user,
      sessionId: session.id,
    };
  }

  /**
   * A retired token presented again. Within the grace window, the immediate predecessor of the
   * session's current token yields that same current token (the derived successor): that is a second
   * tab. Note what this admits: within the window, whoever holds that predecessor (a second tab, or a
   * thief who took it) gets the current token too. Past the window, or for an older token, it is reuse.
   * If the derived successor does not match the stored one, the successor was derived with another
   * REFRESH_TOKEN_SECRET (a rolling deploy, two dev processes): refused, but not treated as theft.
   */
  private async classifyReplay(
    em: EntityManager,
    session: Session,
    token: RefreshToken,
    successor: string,
    now: Date,
  ): Promise<'grace' | 'reuse' | 'mismatch'> {
    if (now.getTime() - token.rotatedAt!.getTime() > this.settings.refreshGraceSeconds * 1000) return 'reuse';
    const next = await em.findOne(RefreshToken, { session, generation: token.generation + 1 });
    if (!next || next.rotatedAt) return 'reuse';
    return next.tokenHash === sha256(successor) ? 'grace' : 'mismatch';
  }

  private successorOf(token: string): string {
    return `rt_${createHmac('sha256', this.settings.refreshSecret).update(token).digest('base64url')}`;
  }

  private isActive(session: Session): boolean {
    return !session.revokedAt && this.expiryOf(session).getTime() > this.now();
  }

  /** Idle limit from the last use, capped by the absolute limit. */
  private expiryOf(session: Session): Date {
    const idle = session.lastUsedAt.getTime() + this.settings.idleTtlSeconds * 1000;
    return new Date(Math.min(idle, session.expiresAt.getTime()));
  }
}
