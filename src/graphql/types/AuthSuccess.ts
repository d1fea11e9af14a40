import { Field, ObjectType } from 'type-graphql';
import { DateTime } from '../scalars';
import { UserType } from './UserType';

/** What every sign-in method and a refresh answer with: the `signed-in` result of the login flow. */
@ObjectType('AuthSuccess', {
  description: 'A successful register, login or refresh: a new access token, a refresh token and the user.',
})
export class AuthSuccess {
  @Field(() => String, { description: 'Send as `Authorization: Bearer <accessToken>`. A JWT; treat it as opaque.' })
  accessToken: string;

  @Field(() => String, { description: 'Always `Bearer`.' })
  tokenType: 'Bearer';

  @Field(() => DateTime, { description: 'When the access token stops working.' })
  expiresAt: Date;

  @Field(() => String, {
    nullable: true,
    description:
      'Exchange with `refreshToken` for a new pair before `refreshTokenExpiresAt`. Single use: each refresh ' +
      'returns a new one. Opaque; keep it secret and never send it as an access token. Null when the request ' +
      'asked for it as a cookie (`X-Refresh-Token-Transport: cookie`): then it is only in the httpOnly cookie.',
  })
  refreshToken: string | null;

  @Field(() => DateTime, {
    description: 'When the refresh token stops working: the session idle or absolute limit, whichever is first.',
  })
  refreshTokenExpiresAt: Date;

  @Field(() => UserType, { description: 'The signed-in user.' })
  user: UserType;
}
