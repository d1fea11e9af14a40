import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, UseMiddleware } from 'type-graphql';
import type { ViewerContext } from '../../../core/context';
import type { RequestContext } from '../../../graphql/context';
import { RootFieldInterceptor } from '../../../graphql/RootFieldInterceptor';
import { AsViewer, RequiresViewer } from '../../../graphql/viewer';
import { ClearsRefreshCookie, presentedRefreshToken, SetsRefreshCookie } from './refreshCookie';
import { RefreshResult, RevokeSessionResult, SessionType } from './types';

@Resolver()
@UseMiddleware(RootFieldInterceptor)
export class SessionResolver {
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
    return ctx.services.sessions.refresh(ctx.service, presentedRefreshToken(refreshToken, ctx));
  }

  @RequiresViewer()
  @Query(() => [SessionType], { description: "The viewer's live sessions (devices), most recently used first." })
  sessions(@AsViewer() viewer: ViewerContext, @Ctx() ctx: RequestContext) {
    return ctx.services.sessions.list(viewer);
  }

  @RequiresViewer()
  @ClearsRefreshCookie()
  @Mutation(() => RevokeSessionResult, {
    description: "Ends one of the viewer's sessions; its access and refresh tokens stop working at once.",
  })
  revokeSession(
    @Arg('id', () => ID, { description: 'The `id` of one of the viewer\'s sessions, as listed by `sessions`.' }) id: string,
    @AsViewer() viewer: ViewerContext,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.sessions.revoke(viewer, id);
  }

  @RequiresViewer()
  @Mutation(() => Int, { description: 'Ends every session of the viewer except this one; returns how many ended.' })
  revokeOtherSessions(@AsViewer() viewer: ViewerContext, @Ctx() ctx: RequestContext) {
    return ctx.services.sessions.revokeOthers(viewer);
  }

  @RequiresViewer()
  @ClearsRefreshCookie()
  @Mutation(() => Boolean, {
    description: 'Ends the current session: its access and refresh tokens stop working at once. Always true.',
  })
  logout(@AsViewer() viewer: ViewerContext, @Ctx() ctx: RequestContext) {
    return ctx.services.sessions.logout(viewer);
  }

  @RequiresViewer()
  @ClearsRefreshCookie()
  @Mutation(() => Boolean, { description: 'Ends every session of the viewer, this one included. Always true.' })
  logoutEverywhere(@AsViewer() viewer: ViewerContext, @Ctx() ctx: RequestContext) {
    return ctx.services.sessions.logoutEverywhere(viewer);
  }
}
