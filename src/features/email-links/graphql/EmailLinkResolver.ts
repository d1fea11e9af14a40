import { Arg, Args, Ctx, Mutation, Resolver, UseMiddleware } from 'type-graphql';
import type { ViewerContext } from '../../../core/context';
import { viewerContext, type RequestContext } from '../../../graphql/context';
import { HashesPassword } from '../../../graphql/limits';
import { RootFieldInterceptor } from '../../../graphql/RootFieldInterceptor';
import { EmailAddress } from '../../../graphql/scalars';
import { reauthProof, ReauthArgs } from '../../../graphql/types/ReauthArgs';
import { AsViewer, OptionalViewer, RequiresViewer } from '../../../graphql/viewer';
import { ConfirmEmailChangeResult, RequestEmailChangeResult, VerifyEmailResult } from './types';

@Resolver()
@UseMiddleware(RootFieldInterceptor)
export class EmailLinkResolver {
  @OptionalViewer()
  @Mutation(() => Boolean, {
    description:
      "Sends a new verification link (the older one dies): to the viewer's address, or with `email` and no " +
      'token, to that address. Nothing is sent to an address that is already verified or has no account; the ' +
      'answer is `true` at once either way, and does not say which.',
  })
  async requestEmailVerification(
    @Arg('email', () => EmailAddress, {
      nullable: true,
      description: 'The address to verify, for someone who cannot sign in. Leave it out to use the signed-in account.',
    })
    email: string | null | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    if (email != null) return ctx.services.emailLinks.requestEmailVerificationByAddress(ctx.service, email);
    return ctx.services.emailLinks.requestEmailVerification(await viewerContext(ctx));
  }

  @Mutation(() => VerifyEmailResult, { description: 'Confirms an email address with the token from its link.' })
  verifyEmail(
    @Arg('token', () => String, { description: 'The `token` query parameter of the emailed verification link.' }) token: string,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.emailLinks.verifyEmail(ctx.service, token);
  }

  @RequiresViewer()
  @HashesPassword()
  @Mutation(() => RequestEmailChangeResult, {
    description: 'Starts changing the sign-in address: mails a confirmation link to the new one, a notice to the old.',
  })
  requestEmailChange(
    @Arg('newEmail', () => EmailAddress, { description: 'The address to sign in with from now on, once confirmed.' }) newEmail: string,
    @Args(() => ReauthArgs) reauth: ReauthArgs,
    @AsViewer() viewer: ViewerContext,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.emailLinks.requestEmailChange(viewer, newEmail, reauthProof(reauth));
  }

  @Mutation(() => ConfirmEmailChangeResult, {
    description: 'Switches the sign-in address with the token from the confirmation link.',
  })
  confirmEmailChange(
    @Arg('token', () => String, { description: 'The `token` query parameter of the emailed confirmation link.' }) token: string,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.emailLinks.confirmEmailChange(ctx.service, token);
  }
}
