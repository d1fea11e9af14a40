import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { AccessClaims } from '../auth/AccessTokens';
import { optionalViewer, type RequestContext } from '../context';
import { UpdateMeInput, UpdateMeResult } from '../types/user.types';
import { UserType } from '../types/UserType';
import { CurrentViewer, OptionalViewer, RequiresViewer } from './viewer';

@Resolver()
export class MeResolver {
  @OptionalViewer()
  @Query(() => UserType, {
    nullable: true,
    description: 'The signed-in user; null without an `Authorization` header. An invalid token is an error (401).',
  })
  async me(@Ctx() ctx: RequestContext) {
    const viewer = await optionalViewer(ctx);
    return viewer && ctx.services.users.me(viewer);
  }

  @RequiresViewer()
  @Mutation(() => UpdateMeResult, { description: "Updates the signed-in user's profile." })
  updateMe(
    @Arg('input', () => UpdateMeInput) input: UpdateMeInput,
    @CurrentViewer() viewer: AccessClaims,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.users.updateMe(viewer, input);
  }
}
