import { Arg, Ctx, Extensions, FieldResolver, Int, Mutation, Resolver, Root, UseMiddleware } from 'type-graphql';
import type { ViewerContext } from '../../../core/context';
import { accountOwnerId, type RequestContext } from '../../../graphql/context';
import { RootFieldInterceptor } from '../../../graphql/RootFieldInterceptor';
import { TICKET, VerifySecondFactorResult } from '../../../graphql/types/secondFactor';
import { UserType } from '../../../graphql/types/UserType';
import { AsViewer, RequiresViewer } from '../../../graphql/viewer';
import { presentedTicket, SetsRefreshCookie } from '../../sessions/graphql/refreshCookie';
import type { TotpStatus } from '../TotpService';
import { ConfirmTotpEnrollmentResult, DisableTotpResult, RegenerateRecoveryCodesResult, TotpEnrollmentType } from './types';

const CODE = 'A 6-digit code from the authenticator app, or an unused recovery code (any case; dashes and spaces optional).';

@Resolver(() => UserType)
@UseMiddleware(RootFieldInterceptor)
export class TotpResolver {
  @Mutation(() => VerifySecondFactorResult, {
    description:
      'Completes a sign-in that answered `SecondFactorRequired`: its ticket and a code. Opens the session ' +
      '(`amr` `["pwd","otp"]`). Ignores any `Authorization` header.',
  })
  @SetsRefreshCookie()
  verifySecondFactor(
    @Arg('ticket', () => String, { description: TICKET })
    ticket: string,
    @Arg('code', () => String, { description: CODE }) code: string,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.totp.verifySecondFactor(ctx.service, presentedTicket(ticket, ctx), code);
  }

  @RequiresViewer()
  @Mutation(() => TotpEnrollmentType, {
    description:
      'Starts setting up an authenticator app (needs a sign-in within the last minutes). Replaces a set-up ' +
      'not yet confirmed; refused while an app is on. Nothing changes until `confirmTotpEnrollment`.',
  })
  startTotpEnrollment(@AsViewer() viewer: ViewerContext, @Ctx() ctx: RequestContext) {
    return ctx.services.totp.startEnrollment(viewer);
  }

  @RequiresViewer()
  @Mutation(() => ConfirmTotpEnrollmentResult, {
    description: 'Turns two-factor authentication on with the first code from the app; returns the recovery codes. Ends every other session.',
  })
  confirmTotpEnrollment(
    @Arg('code', () => String, { description: 'The 6-digit code the app shows now.' }) code: string,
    @AsViewer() viewer: ViewerContext,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.totp.confirmEnrollment(viewer, code);
  }

  @RequiresViewer()
  @Mutation(() => DisableTotpResult, { description: 'Turns two-factor authentication off; its recovery codes stop working.' })
  disableTotp(@Arg('code', () => String, { description: CODE }) code: string, @AsViewer() viewer: ViewerContext, @Ctx() ctx: RequestContext) {
    return ctx.services.totp.disable(viewer, code);
  }

  @RequiresViewer()
  @Mutation(() => RegenerateRecoveryCodesResult, { description: 'Makes ten new recovery codes; the old ones stop working.' })
  regenerateRecoveryCodes(
    @Arg('code', () => String, { description: CODE }) code: string,
    @AsViewer() viewer: ViewerContext,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.totp.regenerateRecoveryCodes(viewer, code);
  }

  @Extensions({ computed: true })
  @FieldResolver(() => Boolean, { description: 'True when signing in needs a code from an authenticator app (or a recovery code).' })
  async twoFactorEnabled(@Root() user: UserType, @Ctx() ctx: RequestContext) {
    return (await this.statusOf(user, ctx)).enabled;
  }

  @Extensions({ computed: true })
  @FieldResolver(() => Int, { nullable: true, description: 'Unused recovery codes; null when two-factor authentication is off.' })
  async recoveryCodesRemaining(@Root() user: UserType, @Ctx() ctx: RequestContext) {
    return (await this.statusOf(user, ctx)).recoveryCodesRemaining;
  }

  /**
   * A user only ever appears to themself; a status is shown to its own account only, whatever comes.
   * Read once per user object: its two fields share it, and a later result (a mutation's) reads afresh.
   */
  private statusOf(user: UserType, ctx: RequestContext): Promise<TotpStatus> {
    let read = statuses.get(user);
    if (!read) {
      read = accountOwnerId(ctx).then((owner) =>
        user.id === owner ? ctx.services.totp.status(user.id) : { enabled: false, recoveryCodesRemaining: null },
      );
      statuses.set(user, read);
    }
    return read;
  }
}

const statuses = new WeakMap<UserType, Promise<TotpStatus>>();
