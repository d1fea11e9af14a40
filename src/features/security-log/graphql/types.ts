import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateTime } from '../../../graphql/scalars';

export enum SecurityEventTypeEnum {
  REGISTERED = 'REGISTERED',
  SIGNED_IN = 'SIGNED_IN',
  SIGN_IN_FAILED = 'SIGN_IN_FAILED',
  PASSWORD_CHANGED = 'PASSWORD_CHANGED',
  PASSWORD_RESET = 'PASSWORD_RESET',
  EMAIL_CHANGE_REQUESTED = 'EMAIL_CHANGE_REQUESTED',
  EMAIL_CHANGED = 'EMAIL_CHANGED',
  EMAIL_VERIFIED = 'EMAIL_VERIFIED',
  SESSION_REVOKED = 'SESSION_REVOKED',
  SIGNED_OUT_EVERYWHERE = 'SIGNED_OUT_EVERYWHERE',
  ACCOUNT_DELETED = 'ACCOUNT_DELETED',
}

registerEnumType(SecurityEventTypeEnum, {
  name: 'SecurityEventType',
  description: 'What happened to the account.',
  valuesConfig: {
    REGISTERED: { description: 'The account was created.' },
    SIGNED_IN: { description: 'A session was opened (`sessionId` names it).' },
    SIGN_IN_FAILED: { description: 'A sign-in with a wrong credential for this account.' },
    PASSWORD_CHANGED: { description: 'The password was changed by the signed-in user.' },
    PASSWORD_RESET: { description: 'The password was set through an emailed reset link.' },
    EMAIL_CHANGE_REQUESTED: { description: 'A change of the sign-in address was requested (not yet confirmed).' },
    EMAIL_CHANGED: { description: 'The sign-in address was changed.' },
    EMAIL_VERIFIED: { description: 'The email address was verified.' },
    SESSION_REVOKED: { description: 'A session was ended (`sessionId` names it): signed out, revoked, or its refresh token was reused.' },
    SIGNED_OUT_EVERYWHERE: { description: 'Every session was ended.' },
    ACCOUNT_DELETED: { description: 'The account was deleted.' },
  },
});

@ObjectType('SecurityEvent', { description: "An entry of the viewer's security log." })
export class SecurityEventType {
  @Field(() => SecurityEventTypeEnum, { description: 'What happened.' })
  type: SecurityEventTypeEnum;

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
