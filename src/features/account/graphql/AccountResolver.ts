import { Arg, Ctx, Mutation, Query, Resolver, UseMiddleware } from 'type-graphql';
import type { AccessClaims } from '../../../sessions/AccessTokens';
import type { RequestContext } from '../../../graphql/context';
import { unauthenticated } from '../../../graphql/errors';
import { UpdateMeInput, UpdateMeResult } from './types';
import { UserType } from '../../../graphql/types/UserType';
import { RootFieldInterceptor } from '../../../graphql/RootFieldInterceptor';
import { CurrentViewer, OptionalViewer, RequiresViewer } from '../../../graphql/viewer';

@Resolver()
@UseMiddleware(RootFieldInterceptor)
export class MeResolver {
  @OptionalViewer()
  @Query(() => UserType, {
    nullable: true,
    description: 'The signed-in user; null without an `Authorization` header. An invalid token is an error (401).',
  })
  async me(@Ctx() ctx: RequestContext) {
    // One Redis round trip answers both "is this token live?" and "what is the cached profile?".
    const { state, lookup } = await ctx.authWithProfile();
    if (state.kind === 'anonymous') return null;
    if (state.kind === 'invalid') throw unauthenticated(true);
    return ctx.services.users.me(state.claims, lookup!);
  }

  @RequiresViewer()
  @Mutation(() => UpdateMeResult, { description: "Updates the signed-in user's profile." })
  updateMe(
    @Arg('input', () => UpdateMeInput, { description: 'The fields to change; omitted or null fields stay as they are.' }) input: UpdateMeInput,
    @CurrentViewer() viewer: AccessClaims,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.users.updateMe(viewer, input);
  }
}
