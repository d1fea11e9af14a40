import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, UseMiddleware } from 'type-graphql';
import type { AccessClaims } from '../../../sessions/AccessTokens';
import { RootFieldInterceptor } from '../../../graphql/RootFieldInterceptor';
import type { RequestContext } from '../../../graphql/context';
import { RevokeSessionResult, SessionType } from './types';
import { CurrentViewer, RequiresViewer } from '../../../graphql/viewer';
import { ClearsRefreshCookie } from './refreshCookie';

@Resolver()
@UseMiddleware(RootFieldInterceptor)
export class SessionResolver {
  @RequiresViewer()
  @Query(() => [SessionType], { description: "The viewer's live sessions (devices), most recently used first." })
  sessions(@CurrentViewer() viewer: AccessClaims, @Ctx() ctx: RequestContext) {
    return ctx.services.sessions.list(viewer);
  }

  @RequiresViewer()
  @ClearsRefreshCookie()
  @Mutation(() => RevokeSessionResult, {
    description: "Ends one of the viewer's sessions; its access and refresh tokens stop working at once.",
  })
  revokeSession(
    @Arg('id', () => ID, { description: 'The `id` of one of the viewer\'s sessions, as listed by `sessions`.' }) id: string,
    @CurrentViewer() viewer: AccessClaims,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.sessions.revoke(viewer, id);
  }

  @RequiresViewer()
  @Mutation(() => Int, { description: 'Ends every session of the viewer except this one; returns how many ended.' })
  revokeOtherSessions(@CurrentViewer() viewer: AccessClaims, @Ctx() ctx: RequestContext) {
    return ctx.services.sessions.revokeOthers(viewer);
  }

  @RequiresViewer()
  @ClearsRefreshCookie()
  @Mutation(() => Boolean, {
    description: 'Ends the current session: its access and refresh tokens stop working at once. Always true.',
  })
  logout(@CurrentViewer() viewer: AccessClaims, @Ctx() ctx: RequestContext) {
    return ctx.services.sessions.logout(viewer);
  }

  @RequiresViewer()
  @ClearsRefreshCookie()
  @Mutation(() => Boolean, { description: 'Ends every session of the viewer, this one included. Always true.' })
  logoutEverywhere(@CurrentViewer() viewer: AccessClaims, @Ctx() ctx: RequestContext) {
    return ctx.services.sessions.logoutEverywhere(viewer);
  }
}
