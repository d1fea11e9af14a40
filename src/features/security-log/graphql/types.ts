import { Field, ID, ObjectType } from 'type-graphql';
import { credentialEventKinds } from '../../../core/credentialEvents';
import { lateEnum } from '../../../graphql/lateEnum';
import { DateTime } from '../../../graphql/scalars';

/** The account's own events, and what the log says of each. */
const ACCOUNT_EVENTS: Record<string, string> = {
  REGISTERED: 'The account was created.',
  SIGNED_IN: 'A session was opened (`sessionId` names it).',
  SIGN_IN_FAILED: 'A sign-in with a wrong credential (a password, or a second factor) for this account.',
  PASSWORD_CHANGED: 'The password was changed by the signed-in user.',
  PASSWORD_RESET: 'The password was set through an emailed reset link.',
  EMAIL_CHANGE_REQUESTED: 'A change of the sign-in address was requested (not yet confirmed).',
  EMAIL_CHANGED: 'The sign-in address was changed.',
  EMAIL_VERIFIED: 'The email address was verified.',
  SESSION_REVOKED: 'A session was ended (`sessionId` names it): signed out, revoked, or its refresh token was reused.',
  SIGNED_OUT_EVERYWHERE: 'Every session was ended.',
  SECOND_FACTORS_RESET: "An operator removed the account's second factors (authenticator app, recovery codes, passkeys) and ended its sessions.",
  ACCOUNT_DELETED: 'The account was deleted.',
};

/** The account's own events and every credential event kind the features declared. */
const SecurityEventTypeEnum = lateEnum('SecurityEventType', 'What happened to the account.', () => [
  ...Object.entries(ACCOUNT_EVENTS),
  ...[...credentialEventKinds()].map(([kind, { description }]): [string, string] => [kind, description]),
]);

@ObjectType('SecurityEvent', { description: "An entry of the viewer's security log." })
export class SecurityEventType {
  @Field(() => SecurityEventTypeEnum(), { description: 'What happened.' })
  type: string;

  @Field(() => DateTime, { description: 'When it happened.' })
  createdAt: Date;

  @Field(() => String, { nullable: true, description: 'The client address of the request that made it happen.' })
  ipAddress: string | null;

  @Field(() => String, { nullable: true, description: 'The User-Agent of the request that made it happen.' })
  userAgent: string | null;

  @Field(() => ID, { nullable: true, description: 'The session it is about, or the one it happened in.' })
  sessionId: string | null;
}

@ObjectType('SecurityEventEdge', { description: 'One entry of the security log, with its position.' })
export class SecurityEventEdge {
  @Field(() => String, { description: 'Pass as `after` to continue after this entry.' })
  cursor: string;

  @Field(() => SecurityEventType, { description: 'The entry.' })
  node: SecurityEventType;
}

@ObjectType('PageInfo', { description: 'Where a page of a connection ends.' })
export class PageInfo {
  @Field(() => Boolean, { description: 'True when more entries follow this page.' })
  hasNextPage: boolean;

  @Field(() => String, { nullable: true, description: 'The cursor of the last entry of this page; null for an empty page.' })
  endCursor: string | null;
}

@ObjectType('SecurityEventConnection', { description: "A page of the viewer's security log, newest first." })
export class SecurityEventConnection {
  @Field(() => [SecurityEventEdge], { description: 'The entries of this page.' })
  edges: SecurityEventEdge[];

  @Field(() => PageInfo, { description: 'Whether more follow, and where to continue.' })
  pageInfo: PageInfo;
}
