import { Arg, Args, Ctx, Mutation, Resolver, UseMiddleware } from 'type-graphql';
import type { AccessClaims } from '../../../sessions/AccessTokens';
import { RootFieldInterceptor } from '../../../graphql/RootFieldInterceptor';
import type { RequestContext } from '../../../graphql/context';
import { LoginArgs, LoginResult, RefreshResult, RegisterInput, RegisterResult } from './types';
import { ChangePasswordResult } from '../../sessions/graphql/types';
import { HashesPassword } from '../../../graphql/limits';
import { CurrentViewer, RequiresViewer } from '../../../graphql/viewer';
import { presentedRefreshToken, SetsRefreshCookie } from '../../sessions/graphql/refreshCookie';

@Resolver()
@UseMiddleware(RootFieldInterceptor)
export class AuthResolver {
  @HashesPassword()
  @Mutation(() => RegisterResult, {
    description: 'Creates an account and signs it in (a new session). Ignores any `Authorization` header.',
  })
  @SetsRefreshCookie()
  register(
    @Arg('input', () => RegisterInput, { description: 'The new account; every invalid field is reported at once.' }) input: RegisterInput,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.auth.register(input, ctx.client);
  }

  @HashesPassword()
  @Mutation(() => LoginResult, {
    description:
      'Signs in with email and password, opening a new session. Unknown email and wrong password give the same error.',
  })
  @SetsRefreshCookie()
  login(@Args(() => LoginArgs) { email, password }: LoginArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.auth.login(email, password, ctx.client);
  }

  @Mutation(() => RefreshResult, {
    description:
      'Exchanges a refresh token (the argument, or else the refresh cookie) for a new access token and a new ' +
      'refresh token; the old refresh token is retired. Ignores any `Authorization` header.',
  })
  @SetsRefreshCookie()
  refreshToken(
    @Arg('refreshToken', () => String, {
      nullable: true,
      description:
        'The refresh token from the last register, login or refresh. Leave it out to use the refresh cookie ' +
        '(browser apps, with `X-Refresh-Token-Transport: cookie`).',
    })
    refreshToken: string | null | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.sessions.refresh(presentedRefreshToken(refreshToken, ctx), ctx.client);
  }

  @RequiresViewer()
  @HashesPassword()
  @Mutation(() => ChangePasswordResult, {
    description: 'Changes the password (the current one is required) and ends every other session.',
  })
  changePassword(
    @Arg('currentPassword', () => String, { description: "The account's password as it is now." }) currentPassword: string,
    @Arg('newPassword', () => String, { description: 'The new password: 8 to 1,024 characters, not a common one.' }) newPassword: string,
    @CurrentViewer() viewer: AccessClaims,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.auth.changePassword(viewer, currentPassword, newPassword);
  }
}
