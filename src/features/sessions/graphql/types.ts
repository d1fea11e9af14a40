import { Field, ID, ObjectType } from 'type-graphql';
import { InvalidRefreshTokenError, RateLimitedError, RefreshTokenReusedError, SessionNotFoundError } from '../../../graphql/errors';
import { resultUnion } from '../../../graphql/results';
import { DateTime } from '../../../graphql/scalars';
import { AuthSuccess } from '../../../graphql/types/AuthSuccess';

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

  @Field(() => [String], {
    description:
      'How the user signed in (RFC 8176 `amr` values, as in its access tokens): `pwd` a password, `otp` a one-time ' +
      'code, `hwk`/`swk` a passkey, `user` user verification, `fed` another identity provider.',
  })
  authMethods: string[];

  @Field(() => DateTime, { description: 'When the user signed in to this session (`auth_time`); refreshes keep it.' })
  authTime: Date;
}

@ObjectType('RevokeSessionSuccess', { description: 'The session was ended; its tokens stopped working at once.' })
export class RevokeSessionSuccess {
  @Field(() => ID, { description: 'The ended session.' })
  sessionId: string;
}

export const RevokeSessionResult = resultUnion(
  'RevokeSessionResult',
  'The outcome of `revokeSession`.',
  { 'session-revoked': RevokeSessionSuccess },
  [SessionNotFoundError],
);

export const RefreshResult = resultUnion(
  'RefreshResult',
  'The outcome of `refreshToken`.',
  { 'signed-in': AuthSuccess },
  [InvalidRefreshTokenError, RefreshTokenReusedError, RateLimitedError],
);
