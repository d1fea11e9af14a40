import { createHmac, randomBytes } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { AccessClaims, AccessTokens } from './AccessTokens';
import { sha256 } from '../core/digest';
import type { TokenAllowlist } from './TokenAllowlist';
import type { Config } from '../config/index';
import { AccountToken, RefreshToken, Session, User } from '../infra/db/entities';
import { InvalidRefreshTokenError, RateLimitedError, RefreshTokenReusedError, SessionNotFoundError } from '../graphql/errors';
import { AuthSuccess } from '../features/password/graphql/types';
import { RevokeSessionSuccess, type SessionType } from '../features/sessions/graphql/types';
import type { AttemptLimits } from '../core/AttemptLimits';

/** Where a sign-in came from, as shown in the viewer's session list. */
export interface ClientInfo {
  userAgent?: string;
  ipAddress?: string;
}

// Refresh tokens: "rt_" + 43 base64url characters (256 bits). The prefix makes them impossible to
// confuse with access tokens (JWTs have dots) in either direction.
const REFRESH_TOKEN = /^rt_[A-Za-z0-9_-]{43}$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Sessions and refresh-token rotation.
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
 * Everything that must hold together (rows, Redis allowlist entries) is written inside one database
 * transaction, with the Redis step last before commit: if Redis fails, nothing is committed.
 */
export class SessionService {
  constructor(
    private readonly orm: MikroORM,
    private readonly tokens: AccessTokens,
    private readonly allowlist: TokenAllowlist,
    private readonly settings: Config['sessions'],
    private readonly limits: AttemptLimits,
    private readonly now: () => number,
  ) {}

  /** Opens a session for a user within the caller's transaction, and signs it in. */
  async open(em: EntityManager, user: User, client: ClientInfo): Promise<AuthSuccess> {
    const now = new Date(this.now());
    const session = em.create(Session, {
      user,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + this.settings.absoluteTtlSeconds * 1000),
      userAgent: client.userAgent?.slice(0, 512) || null,
      ipAddress: client.ipAddress?.slice(0, 64) || null,
    });
    const refreshToken = `rt_${randomBytes(32).toString('base64url')}`;
    em.create(RefreshToken, { tokenHash: sha256(refreshToken), session, generation: 0, createdAt: now });
    await em.flush();
    return this.signIn(user, session, refreshToken);
  }

  /** `presented` is undefined when the client sent no token at all: nothing was guessed, nothing counts. */
  async refresh(
    presented: string | undefined,
    client: ClientInfo,
  ): Promise<AuthSuccess | InvalidRefreshTokenError | RefreshTokenReusedError | RateLimitedError> {
    if (presented === undefined) return new InvalidRefreshTokenError();
    const limited = await this.limits.refresh(client.ipAddress);
    if (limited) return limited;
    const result = await this.rotate(presented);
    // Only failures count against the address: a NAT full of honest clients refreshing is fine.
    if (!(result instanceof AuthSuccess)) await this.limits.refreshFailed(client.ipAddress);
    return result;
  }

  private async rotate(presented: string): Promise<AuthSuccess | InvalidRefreshTokenError | RefreshTokenReusedError> {
    if (!REFRESH_TOKEN.test(presented)) return new InvalidRefreshTokenError();
    const tokenHash = sha256(presented);
    return this.orm.em.fork().transactional(async (em) => {
      // em.execute runs inside this transaction (on its connection, not a second one from the pool).
      const [row] = await em.execute<Array<{ session_id: string }>>(
        'select session_id from refresh_tokens where token_hash = ?',
        [tokenHash],
      );
      if (!row) return new InvalidRefreshTokenError();
      // Which session to lock is found first, without touching the token row; the lock then serialises
      // every refresh and revocation of this session until commit, and the token is read under it.
      const session = await em.findOne(Session, { id: row.session_id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const token = await em.findOne(RefreshToken, { tokenHash });
      if (!session || !token || !this.isActive(session)) return new InvalidRefreshTokenError();

      const now = new Date(this.now());
      const successor = this.successorOf(presented);
      if (!token.rotatedAt) {
        token.rotatedAt = now;
        em.create(RefreshToken, {
          tokenHash: sha256(successor),
          session,
          generation: token.generation + 1,
          createdAt: now,
        });
      } else {
        const replay = await this.classifyReplay(em, session, token, successor, now);
        if (replay === 'mismatch') return new InvalidRefreshTokenError();
        if (replay === 'reuse') {
          session.revokedAt = now;
          await em.flush();
          await this.allowlist.revokeSession(session.user.id, session.id);
          return new RefreshTokenReusedError();
        }
      }
      session.lastUsedAt = now;
      await em.flush();
      const user = await em.findOneOrFail(User, { id: session.user.id });
      return this.signIn(user, session, successor);
    });
  }

  /** The viewer's live sessions, most recently used first. */
  async list(viewer: AccessClaims): Promise<SessionType[]> {
    const now = this.now();
    const sessions = await this.orm.em
      .fork()
      .find(Session, { user: viewer.userId, revokedAt: null }, { orderBy: { lastUsedAt: 'desc' } });
    return sessions
      .filter((session) => this.expiryOf(session).getTime() > now)
      .map((session) => ({
        id: session.id,
        createdAt: session.createdAt,
        lastUsedAt: session.lastUsedAt,
        expiresAt: this.expiryOf(session),
        userAgent: session.userAgent ?? null,
        ipAddress: session.ipAddress ?? null,
        current: session.id === viewer.sessionId,
      }));
  }

  /** Ends one of the viewer's sessions (possibly the current one). */
  async revoke(viewer: AccessClaims, sessionId: string): Promise<RevokeSessionSuccess | SessionNotFoundError> {
    if (!UUID.test(sessionId)) return new SessionNotFoundError();
    const ended = await this.end(viewer.userId, { only: sessionId });
    return ended.length === 1 ? new RevokeSessionSuccess(sessionId) : new SessionNotFoundError();
  }

  /** Ends every session of the viewer but the current one; returns how many were ended. */
  async revokeOthers(viewer: AccessClaims): Promise<number> {
    return (await this.end(viewer.userId, { except: viewer.sessionId })).length;
  }

  /** Ends the current session: its access and refresh tokens stop working on every instance. */
  async logout(viewer: AccessClaims): Promise<boolean> {
    await this.end(viewer.userId, { only: viewer.sessionId });
    return true;
  }

  /** Ends every session of the viewer. */
  async logoutEverywhere(viewer: AccessClaims): Promise<boolean> {
    await this.end(viewer.userId, {});
    return true;
  }

  /**
   * Ends live sessions of a user: `only` one, all `except` one, or all (neither given). Runs in the
   * caller's transaction when one is given. Returns the ids of the sessions ended.
   */
  async end(userId: string, which: { only?: string; except?: string }, em?: EntityManager): Promise<string[]> {
    const run = async (em: EntityManager) => {
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
      if (which.only === undefined && which.except === undefined) await this.allowlist.revokeAllForUser(userId);
      else for (const session of sessions) await this.allowlist.revokeSession(userId, session.id);
      return sessions.map((session) => session.id);
    };
    return em ? run(em) : this.orm.em.fork().transactional(run);
  }

  /**
   * Deletes sessions that ended more than a day ago (their refresh tokens go with them) and emailed
   * tokens that expired, so these tables do not grow without bound. Run periodically.
   */
  async pruneEnded(): Promise<number> {
    const dayAgo = new Date(this.now() - 86_400_000);
    const idleCutoff = new Date(dayAgo.getTime() - this.settings.idleTtlSeconds * 1000);
    const em = this.orm.em.fork();
    const sessions = await em.nativeDelete(Session, {
      $or: [{ revokedAt: { $lt: dayAgo } }, { expiresAt: { $lt: dayAgo } }, { lastUsedAt: { $lt: idleCutoff } }],
    });
    await em.nativeDelete(AccountToken, { expiresAt: { $lt: dayAgo } });
    return sessions;
  }

  private async signIn(user: User, session: Session, refreshToken: string): Promise<AuthSuccess> {
    const issued = await this.tokens.issue(user.id, session.id);
    // No token leaves unless the allowlist has it: if Redis is down this throws SERVICE_UNAVAILABLE
    // and the caller's transaction rolls back.
    await this.allowlist.add(user.id, session.id, issued.jti, issued.expiresAt);
    return new AuthSuccess({
      accessToken: issued.token,
      expiresAt: issued.expiresAt,
      refreshToken,
      refreshTokenExpiresAt: this.expiryOf(session),
      user,
    });
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
