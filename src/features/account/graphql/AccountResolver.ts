import { Arg, Args, Ctx, Mutation, Query, Resolver, UseMiddleware } from 'type-graphql';
import type { ViewerContext } from '../../../core/context';
import type { RequestContext } from '../../../graphql/context';
import { unauthenticated } from '../../../graphql/errors';
import { HashesPassword } from '../../../graphql/limits';
import { RootFieldInterceptor } from '../../../graphql/RootFieldInterceptor';
import { reauthProof, ReauthArgs } from '../../../graphql/types/ReauthArgs';
import { UserType } from '../../../graphql/types/UserType';
import { AsViewer, OptionalViewer, RequiresViewer } from '../../../graphql/viewer';
import { ClearsRefreshCookie } from '../../sessions/graphql/refreshCookie';
import { DeleteAccountResult, UpdateMeInput, UpdateMeResult } from './types';

@Resolver()
@UseMiddleware(RootFieldInterceptor)
export class AccountResolver {
  @OptionalViewer()
  @Query(() => UserType, {
    nullable: true,
    description: 'The signed-in user; null without an `Authorization` header. An invalid token is an error (401).',
  })
  async me(@Ctx() ctx: RequestContext) {
    const verified = await ctx.verifiedToken();
    if (verified.kind === 'anonymous') return null;
    if (verified.kind === 'invalid') throw unauthenticated(true);
    // Asked together, so Redis answers both in one round trip: is the token live, and the cached profile.
    const [state, cached] = await Promise.all([ctx.auth(), ctx.services.account.cachedProfile(verified.claims.userId)]);
    if (state.kind !== 'authenticated') throw unauthenticated(true);
    return ctx.services.account.me({ ...ctx.service, viewer: state.claims }, cached);
  }

  @RequiresViewer()
  @Mutation(() => UpdateMeResult, { description: "Updates the signed-in user's profile." })
  updateMe(
    @Arg('input', () => UpdateMeInput, { description: 'The fields to change; omitted or null fields stay as they are.' }) input: UpdateMeInput,
    @AsViewer() viewer: ViewerContext,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.account.updateMe(viewer, input);
  }

  @RequiresViewer()
  @HashesPassword()
  @ClearsRefreshCookie()
  @Mutation(() => DeleteAccountResult, {
    description: 'Deletes the account and everything of it; every token stops working at once.',
  })
  deleteAccount(
    @Args(() => ReauthArgs) reauth: ReauthArgs,
    @AsViewer() viewer: ViewerContext,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.account.deleteAccount(viewer, reauthProof(reauth));
  }
}
