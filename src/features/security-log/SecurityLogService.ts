import type { MikroORM } from '@mikro-orm/postgresql';
import { BadArgumentError } from '../../core/errors';
import { credentialEventKinds } from '../../core/credentialEvents';
import type { AccountEvent, Tx } from '../../core/events';
import { compose } from '../../infra/mail/compose';
import { SecurityEvent, type SecurityEventType } from './SecurityEvent';
import { noticeMail } from './templates';

/** The events the log records, by the type it records them as. */
const RECORDED: Partial<Record<AccountEvent['type'], SecurityEventType>> = {
  registered: 'REGISTERED',
  'signed-in': 'SIGNED_IN',
  'sign-in-failed': 'SIGN_IN_FAILED',
  'password-changed': 'PASSWORD_CHANGED',
  'password-reset': 'PASSWORD_RESET',
  'email-change-requested': 'EMAIL_CHANGE_REQUESTED',
  'email-changed': 'EMAIL_CHANGED',
  'email-verified': 'EMAIL_VERIFIED',
  'session-revoked': 'SESSION_REVOKED',
  'signed-out-everywhere': 'SIGNED_OUT_EVERYWHERE',
  'second-factors-reset': 'SECOND_FACTORS_RESET',
};

export interface SecurityEventPage {
  readonly edges: Array<{ cursor: string; node: SecurityEvent }>;
  readonly pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

/**
 * The account's security log, and the notices that go with it. Entries are written in the transaction
 * of the change they record (an event listener), so a change and its entry commit together; so do the
 * notices, through the mail outbox: "your password was changed" to the account's address, "your email
 * was changed" to the old one.
 */
export class SecurityLogService {
  constructor(
    private readonly orm: MikroORM,
    private readonly retentionSeconds: number,
    private readonly now: () => number,
  ) {}

  async record(tx: Tx, event: AccountEvent): Promise<void> {
    const { em, origin } = tx;
    if (event.type === 'account-deleted') {
      // The account's own entries go with it (cascade); this one stays, naming no one.
      em.create(SecurityEvent, { user: null, type: 'ACCOUNT_DELETED', createdAt: origin.at });
      return;
    }
    const type = event.type === 'credential' ? event.kind : RECORDED[event.type];
    if (type) {
      em.create(SecurityEvent, {
        user: event.userId,
        type,
        createdAt: origin.at,
        ipAddress: origin.context.client.ipAddress?.slice(0, 64) ?? null,
        userAgent: origin.context.client.userAgent?.slice(0, 512) ?? null,
        // The session the event is about when it names one (signed in, ended), else the request's.
        sessionId: 'sessionId' in event ? event.sessionId : (origin.sessionId ?? null),
      });
    }
    if (event.type === 'password-changed') tx.mail(noticeMail.passwordChanged(event.email));
    if (event.type === 'password-reset') tx.mail(noticeMail.passwordReset(event.email, event.reclaimed));
    if (event.type === 'second-factors-reset') tx.mail(noticeMail.secondFactorsReset(event.email));
    if (event.type === 'email-changed') tx.mail(noticeMail.emailChanged(event.oldEmail, event.newEmail));
    if (event.type === 'credential') {
      const notice = credentialEventKinds().get(event.kind)?.notice;
      if (notice) tx.mail(compose(event.email, notice.subject, notice.lines));
    }
  }

  /** A user's entries, newest first, `first` at a time after the `after` cursor. */
  async list(userId: string, first: number | null | undefined, after: string | null | undefined): Promise<SecurityEventPage> {
    const limit = first ?? DEFAULT_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new BadArgumentError(`first must be from 1 to ${MAX_PAGE}.`);
    const from = after == null ? undefined : decodeCursor(after);
    const rows = await this.orm.em.fork().find(
      SecurityEvent,
      { user: userId, ...(from !== undefined && { id: { $lt: from } }) },
      { orderBy: { id: 'desc' }, limit: limit + 1 },
    );
    const page = rows.slice(0, limit);
    const edges = page.map((node) => ({ cursor: encodeCursor(node), node }));
    return { edges, pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  /** Deletes entries older than the retention; returns how many. */
  async prune(): Promise<number> {
    return this.orm.em.fork().nativeDelete(SecurityEvent, { createdAt: { $lt: new Date(this.now() - this.retentionSeconds * 1000) } });
  }
}

/** Opaque to clients: the position of an entry in the newest-first order. */
function encodeCursor(event: SecurityEvent): string {
  return Buffer.from(`se:${event.id}`).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const match = /^se:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new BadArgumentError('after is not a cursor from this connection.');
  return match[1];
}
