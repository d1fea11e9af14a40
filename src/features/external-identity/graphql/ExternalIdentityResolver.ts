import { Arg, Ctx, Extensions, FieldResolver, ID, Mutation, Query, Resolver, Root, UseMiddleware, type MiddlewareFn } from 'type-graphql';
import type { ViewerContext } from '../../../core/context';
import { accountOwnerId, type RequestContext } from '../../../graphql/context';
import { RootFieldInterceptor } from '../../../graphql/RootFieldInterceptor';
import { UserType } from '../../../graphql/types/UserType';
import { AsViewer, RequiresViewer } from '../../../graphql/viewer';
import { SetsRefreshCookie } from '../../sessions/graphql/refreshCookie';
import { BINDING_COOKIE_MAX_AGE, type ExternalSignInStart } from '../ExternalIdentityService';
import {
  ExternalIdentityType,
  ExternalSignInResult,
  ExternalSignInStartResult,
  IdentityProviderType,
  LinkExternalIdentityResult,
  UnlinkExternalIdentityResult,
} from './types';
import { bindingCookieHeader } from '../../../http/cookies';

const PROVIDER = 'The provider\'s id, from `identityProviders`.';
const REDIRECT_URI =
  'Where the provider sends the browser back: exactly one of the redirect URIs the service is configured with ' +
  '(and registered at the provider). `<API origin>/auth/callback/<provider>` lets the service receive it itself.';
const CODE = 'The `code` parameter the provider sent to the redirect URI.';
const STATE = 'The `state` parameter the provider sent back: the one `ExternalSignInStart.state` gave.';
const ISS = 'The `iss` parameter the provider sent back (RFC 9207), if any: it must then name the provider.';

/**
 * A start for the callback route hands the browser a cookie that ties the sign-in to it (the route
 * refuses to finish it without); the GraphQL answer never shows it.
 */
const setsBrowserBinding: MiddlewareFn<RequestContext> = async ({ context }, next) => {
  const result: unknown = await next();
  const binding = (result as Partial<ExternalSignInStart> | null)?.browserBinding;
  if (binding) {
    context.pendingCookie = bindingCookieHeader(binding.name, binding.value, BINDING_COOKIE_MAX_AGE, context.refreshCookie.secure, context.cookieSettings);
  }
  return result;
};

@Resolver(() => UserType)
@UseMiddleware(RootFieldInterceptor)
export class ExternalIdentityResolver {
  @Query(() => [IdentityProviderType], { description: 'The identity providers users can sign in with ("Sign in with ..."). Public.' })
  identityProviders(@Ctx() ctx: RequestContext) {
    return ctx.services.externalIdentity.providers();
  }

  @Mutation(() => ExternalSignInStartResult, {
    description:
      'Starts a sign-in (or sign-up) with another identity provider: send the browser to the `authorizationUrl` it ' +
      'returns, then finish with `finishExternalSignIn`. Ignores any `Authorization` header.',
  })
  @UseMiddleware(setsBrowserBinding)
  startExternalSignIn(
    @Arg('provider', () => ID, { description: PROVIDER }) provider: string,
    @Arg('redirectUri', () => String, { description: REDIRECT_URI }) redirectUri: string,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.externalIdentity.start(ctx.service, provider, redirectUri);
  }

  @Mutation(() => ExternalSignInResult, {
    description:
      "Finishes a sign-in started by `startExternalSignIn`: the provider's answer is checked, then the identity " +
      'signs in its account, is linked to an account with the same verified address, or makes a new one. ' +
      'Opens a session (`amr` `["fed", ...the provider\'s]`), or answers `SecondFactorRequired`. Ignores any `Authorization` header.',
  })
  @SetsRefreshCookie()
  finishExternalSignIn(
    @Arg('provider', () => ID, { description: PROVIDER }) provider: string,
    @Arg('code', () => String, { description: CODE }) code: string,
    @Arg('state', () => String, { description: STATE }) state: string,
    @Arg('iss', () => String, { nullable: true, description: ISS }) iss: string | null | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.externalIdentity.finish(ctx.service, { provider, code, state, iss });
  }

  @RequiresViewer()
  @Mutation(() => ExternalSignInStartResult, {
    description:
      "Starts adding an identity at another provider to the viewer's account (needs a sign-in within the last " +
      'minutes); finish with `linkExternalIdentity`, from the same session.',
  })
  @UseMiddleware(setsBrowserBinding)
  startExternalIdentityLink(
    @Arg('provider', () => ID, { description: PROVIDER }) provider: string,
    @Arg('redirectUri', () => String, { description: REDIRECT_URI }) redirectUri: string,
    @AsViewer() viewer: ViewerContext,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.externalIdentity.startLink(viewer, provider, redirectUri);
  }

  @RequiresViewer()
  @Mutation(() => LinkExternalIdentityResult, {
    description:
      "Adds the identity to the viewer's account, finishing `startExternalIdentityLink`. The account is mailed a notice.",
  })
  linkExternalIdentity(
    @Arg('provider', () => ID, { description: PROVIDER }) provider: string,
    @Arg('code', () => String, { description: CODE }) code: string,
    @Arg('state', () => String, { description: STATE }) state: string,
    @Arg('iss', () => String, { nullable: true, description: ISS }) iss: string | null | undefined,
    @AsViewer() viewer: ViewerContext,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.externalIdentity.link(viewer, { provider, code, state, iss });
  }

  @RequiresViewer()
  @Mutation(() => UnlinkExternalIdentityResult, {
    description: 'Removes a linked identity; refused when it is the last way to sign in. The account is mailed a notice.',
  })
  unlinkExternalIdentity(
    @Arg('id', () => ID, { description: '`ExternalIdentity.id`.' }) id: string,
    @AsViewer() viewer: ViewerContext,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.services.externalIdentity.unlink(viewer, id);
  }

  @Extensions({ computed: true })
  @FieldResolver(() => [ExternalIdentityType], { description: 'Accounts at other identity providers that sign in to this account.' })
  async identities(@Root() user: UserType, @Ctx() ctx: RequestContext) {
    // A user only ever appears to themself, but identities are shown to their own account only, whatever comes.
    if (user.id !== (await accountOwnerId(ctx))) return [];
    return ctx.services.externalIdentity.identities(user.id);
  }
}
