import { Arg, Args, Ctx, Mutation, Resolver, UseMiddleware } from 'type-graphql';
import type { ViewerContext } from '../../../core/context';
import type { RequestContext } from '../../../graphql/context';
import { HashesPassword } from '../../../graphql/limits';
import { RootFieldInterceptor } from '../../../graphql/RootFieldInterceptor';
import { EmailAddress } from '../../../graphql/scalars';
import { reauthProof, ReauthArgs } from '../../../graphql/types/ReauthArgs';
import { AsViewer, RequiresViewer } from '../../../graphql/viewer';
import { SetsRefreshCookie } from '../../sessions/graphql/refreshCookie';
import { LoginResult, RegisterResult } from '../../../graphql/types/signIn';
import { ChangePasswordResult, LoginArgs, RegisterInput, ResetPasswordResult } from './types';

@Resolver()
@UseMiddleware(RootFieldInterceptor)
export class PasswordResolver {
  @HashesPassword()
  @Mutation(() => RegisterResult, {
    description: 'Creates an account and signs it in (a new session). Ignores any `Authorization` header.',
  })
  @SetsRefreshCookie()
  register(
    @Arg('input', () => RegisterInput, { description: 'The new account; every invalid field is reported at once.' }) input: RegisterInput,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.password.register(ctx.service, input);
  }

  @HashesPassword()
  @Mutation(() => LoginResult, {
    description:
      'Signs in with email and password, opening a new session. Unknown email and wrong password give the same error.',
  })
  @SetsRefreshCookie()
  login(@Args(() => LoginArgs) { email, password }: LoginArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.password.login(ctx.service, email, password);
  }

  @RequiresViewer()
  @HashesPassword()
  @Mutation(() => ChangePasswordResult, {
    description: 'Changes the password (confirmed with the current one, or a one-time code) and ends every other session.',
  })
  changePassword(
    @Args(() => ReauthArgs) reauth: ReauthArgs,
    @Arg('newPassword', () => String, { description: 'The new password: 8 to 1,024 characters, not a common one.' }) newPassword: string,
    @AsViewer() viewer: ViewerContext,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.password.changePassword(viewer, reauthProof(reauth), newPassword);
  }

  @Mutation(() => Boolean, {
    description:
      'Mails a password reset link if an account has this address. Always true, at once: the answer does not ' +
      'say whether the account exists.',
  })
  requestPasswordReset(
    @Arg('email', () => EmailAddress, { description: 'The address the account signs in with.' }) email: string,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.password.requestPasswordReset(ctx.service, email);
  }

  @HashesPassword()
  @Mutation(() => ResetPasswordResult, {
    description: 'Sets a new password with the token from a reset link, and ends every session of the account.',
  })
  resetPassword(
    @Arg('token', () => String, { description: 'The `token` query parameter of the emailed reset link.' }) token: string,
    @Arg('newPassword', () => String, { description: 'The new password: 8 to 1,024 characters, not a common one.' }) newPassword: string,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.password.resetPassword(ctx.service, token, newPassword);
  }
}
