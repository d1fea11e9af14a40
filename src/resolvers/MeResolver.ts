import { Arg, Ctx, Mutation, Query, Resolver, UseMiddleware } from 'type-graphql';
import type { AccessClaims } from '../auth/AccessTokens';
import { optionalViewer, type RequestContext } from '../context';
import { UpdateMeInput, UpdateMeResult } from '../types/user.types';
import { UserType } from '../types/UserType';
import { RootFieldInterceptor } from './RootFieldInterceptor';
import { CurrentViewer, OptionalViewer, RequiresViewer } from './viewer';

@Resolver()
@UseMiddleware(RootFieldInterceptor)
export class MeResolver {
  @OptionalViewer()
  @Query(() => UserType, {
    nullable: true,
    description: 'The signed-in user; null without an `Authorization` header. An invalid token is an error (401).',
  })
  async me(@Ctx() ctx: RequestContext) {
    // The profile read starts as soon as the signature checks out, alongside the allowlist check: one
    // Redis round trip and one primary-key read, not one after the other. Nothing is returned unless
    // the allowlist confirms the token.
    const unconfirmed = await ctx.unconfirmedAuth();
    if (unconfirmed.kind !== 'authenticated') return optionalViewer(ctx);
    const [viewer, profile] = await Promise.allSettled([optionalViewer(ctx), ctx.services.users.me(unconfirmed.claims)]);
    if (viewer.status === 'rejected') throw viewer.reason;
    if (profile.status === 'rejected') throw profile.reason;
    return profile.value;
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
