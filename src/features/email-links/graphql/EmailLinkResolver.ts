import { Arg, Ctx, Mutation, Resolver, UseMiddleware } from 'type-graphql';
import type { AccessClaims } from '../../../sessions/AccessTokens';
import { RootFieldInterceptor } from '../../../graphql/RootFieldInterceptor';
import { requireViewer, type RequestContext } from '../../../graphql/context';
import { EmailAddress } from '../../../graphql/scalars';
import {
  ConfirmEmailChangeResult,
  DeleteAccountResult,
  RequestEmailChangeResult,
  ResetPasswordResult,
  VerifyEmailResult,
} from './types';
import { HashesPassword } from '../../../graphql/limits';
import { CurrentViewer, OptionalViewer, RequiresViewer } from '../../../graphql/viewer';
import { ClearsRefreshCookie } from '../../sessions/graphql/refreshCookie';

@Resolver()
@UseMiddleware(RootFieldInterceptor)
export class AccountResolver {
  @OptionalViewer()
  @Mutation(() => Boolean, {
    description:
      "Sends a new verification link (the older one dies): to the viewer's address, or with `email` and no " +
      'token, to that address. Nothing is sent to an address that is already verified or has no account; the ' +
      'answer is `true` at once either way, and does not say which.',
  })
  requestEmailVerification(
    @Arg('email', () => EmailAddress, {
      nullable: true,
      description: 'The address to verify, for someone who cannot sign in. Leave it out to use the signed-in account.',
    })
    email: string | null | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    if (email != null) return ctx.services.accounts.requestEmailVerificationByAddress(email, ctx.client);
    return requireViewer(ctx).then((viewer) => ctx.services.accounts.requestEmailVerification(viewer));
  }

  @Mutation(() => VerifyEmailResult, { description: 'Confirms an email address with the token from its link.' })
  verifyEmail(
    @Arg('token', () => String, { description: 'The `token` query parameter of the emailed verification link.' }) token: string,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.accounts.verifyEmail(token);
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
    return ctx.services.accounts.requestPasswordReset(email, ctx.client);
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
    return ctx.services.accounts.resetPassword(token, newPassword, ctx.client);
  }

  @RequiresViewer()
  @HashesPassword()
  @Mutation(() => RequestEmailChangeResult, {
    description: 'Starts changing the sign-in address: mails a confirmation link to the new one, a notice to the old.',
  })
  requestEmailChange(
    @Arg('newEmail', () => EmailAddress, { description: 'The address to sign in with from now on, once confirmed.' }) newEmail: string,
    @Arg('currentPassword', () => String, { description: "The account's password as it is now." }) currentPassword: string,
    @CurrentViewer() viewer: AccessClaims,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.accounts.requestEmailChange(viewer, newEmail, currentPassword);
  }

  @Mutation(() => ConfirmEmailChangeResult, {
    description: 'Switches the sign-in address with the token from the confirmation link.',
  })
  confirmEmailChange(
    @Arg('token', () => String, { description: 'The `token` query parameter of the emailed confirmation link.' }) token: string,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.accounts.confirmEmailChange(token);
  }

  @RequiresViewer()
  @HashesPassword()
  @ClearsRefreshCookie()
  @Mutation(() => DeleteAccountResult, {
    description: 'Deletes the account and everything of it; every token stops working at once.',
  })
  deleteAccount(
    @Arg('currentPassword', () => String, { description: "The account's password as it is now." }) currentPassword: string,
    @CurrentViewer() viewer: AccessClaims,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.accounts.deleteAccount(viewer, currentPassword);
  }
}
