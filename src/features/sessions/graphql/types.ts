import { createUnionType, Field, ID, Int, ObjectType } from 'type-graphql';
import { InvalidCredentialsError, InvalidInputError, RateLimitedError, SessionNotFoundError } from '../../../graphql/errors';
import { DateTime } from '../../../graphql/scalars';
import { UserType } from '../../../graphql/types/UserType';

@ObjectType('Session', { description: 'A signed-in device or browser of the viewer.' })
export class SessionType {
  @Field(() => ID, { description: 'Session id (the `sid` claim of its access tokens).' })
  id: string;

  @Field(() => DateTime, { description: 'When the session was opened (register or login).' })
  createdAt: Date;

  @Field(() => DateTime, { description: 'Last sign-in or refresh.' })
  lastUsedAt: Date;

  @Field(() => DateTime, { description: 'When the session ends unless refreshed (idle limit, capped by the absolute limit).' })
  expiresAt: Date;

  @Field(() => String, { nullable: true, description: 'User-Agent header seen when the session was opened.' })
  userAgent: string | null;

  @Field(() => String, { nullable: true, description: 'Client IP address seen when the session was opened.' })
  ipAddress: string | null;

  @Field(() => Boolean, { description: 'True for the session of the token that made this request.' })
  current: boolean;
}

@ObjectType('RevokeSessionSuccess', { description: 'The session was ended; its tokens stopped working at once.' })
export class RevokeSessionSuccess {
  @Field(() => ID, { description: 'The ended session.' })
  sessionId: string;

  constructor(sessionId: string) {
    this.sessionId = sessionId;
  }
}

export const RevokeSessionResult = createUnionType({
  name: 'RevokeSessionResult',
  description: 'The outcome of `revokeSession`.',
  types: () => [RevokeSessionSuccess, SessionNotFoundError] as const,
});

@ObjectType('ChangePasswordSuccess', {
  description: 'The password was changed; every other session was ended, this one goes on.',
})
export class ChangePasswordSuccess {
  @Field(() => UserType, { description: 'The signed-in user.' })
  user: UserType;

  @Field(() => Int, { description: 'How many other sessions were ended.' })
  endedSessions: number;

  constructor(user: UserType, endedSessions: number) {
    this.user = user;
    this.endedSessions = endedSessions;
  }
}

export const ChangePasswordResult = createUnionType({
  name: 'ChangePasswordResult',
  description: 'The outcome of `changePassword`.',
  types: () => [ChangePasswordSuccess, InvalidCredentialsError, InvalidInputError, RateLimitedError] as const,
});
