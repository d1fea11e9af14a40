import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import type { AttemptLimits, LimitRule } from '../../core/AttemptLimits';
import type { ServiceContext, ViewerContext } from '../../core/context';
import { sha256 } from '../../core/digest';
import { DependencyUnavailableError, TooManyAttemptsError } from '../../core/errors';
import { requireRecentSignIn } from '../../login/recentSignIn';
import { failure, failures, isFailure, type Failure, type FieldProblem, type InvalidInput, type RateLimited } from '../../core/results';
import type { Logger } from '../../infra/logger';
import type { SecondFactorRequired } from '../../login/LoginFlow';
import type { SignedIn } from '../../sessions/SessionService';
import type { AccountLinkRequired, ExternalAccounts, ExternalIdentityLinked, IdentityTaken } from './ExternalAccounts';
import type { ExternalIdentity } from './ExternalIdentity';
import type { FlowPurpose, FlowState, FlowStates } from './FlowStates';
import { FLOW_TTL_SECONDS } from './FlowStates';
import { classifyProviderError, ProviderUnavailableError, type IdentityProviderClient, type ProviderProfile } from './providers/IdentityProviderClient';

/** Why an external sign-in (or link) did not go through; the schema's `ExternalSignInFailureReason`. */
export type ExternalSignInReason =
  | 'INVALID_STATE'
  | 'PROVIDER_REFUSED'
  | 'PROVIDER_UNAVAILABLE'
  | 'ACCESS_DENIED'
  | 'NO_VERIFIED_EMAIL'
  | 'EMAIL_NOT_VERIFIED';

export interface ExternalSignInFailure extends Failure<'EXTERNAL_SIGN_IN_FAILED'> {
  readonly reason: ExternalSignInReason;
}

export interface ExternalSignInStart {
  readonly kind: 'external-sign-in-start';
  readonly authorizationUrl: string;
  readonly state: string;
  /**
   * For a start whose redirect URI is the callback route: a cookie for the browser (never in the API's
   * answer), without which the route does not finish this sign-in.
   */
  readonly browserBinding?: { readonly name: string; readonly value: string };
}

export type ExternalSignInOutcome = SignedIn | SecondFactorRequired | AccountLinkRequired | ExternalSignInFailure | RateLimited;
export type LinkOutcome = ExternalIdentityLinked | IdentityTaken | ExternalSignInFailure | RateLimited;

/** What a client brings back from the provider. */
export interface Callback {
  readonly provider: string;
  readonly code: string;
  readonly state: string;
  readonly iss?: string | null;
  /** The provider's `error` parameter instead of a code (only the callback route sees it). */
  readonly error?: string | null;
}

/** How the callback route finishes a sign-in: only one started for it, from the same browser. */
export interface RouteFinish {
  /** The value of the binding cookie of the given name, if the browser sent it. */
  readonly browserBinding: (cookieName: string) => string | undefined;
}

export interface ExternalIdentityRules {
  readonly start: LimitRule;
  readonly failures: LimitRule;
}

/** The path of the callback route for a provider, as the redirect URI ends with it. */
export const callbackPath = (provider: string) => `/auth/callback/${provider}`;

/** A redirect URI that is this service's callback route (behind a proxy its path may have a prefix). */
function isCallbackRoute(redirectUri: string, provider: string): boolean {
  return new URL(redirectUri).pathname.endsWith(callbackPath(provider));
}

/**
 * Signing in with other identity providers, and linking them to an account: the flows. A start makes
 * the state, PKCE verifier and nonce (FlowStates) and the provider's authorization URL; a finish takes
 * the state (once), has the provider's client redeem the code (openid-client checks the rest), then
 * hands the verified profile to the account rules (ExternalAccounts) and the login flow. The GraphQL
 * mutations and the HTTP callback route both come here.
 *
 * Whatever goes wrong with the provider or the flow answers one typed failure whose message tells the
 * user to try again; the reason for the log stays in the log.
 */
export class ExternalIdentityService {
  private readonly byId: ReadonlyMap<string, IdentityProviderClient>;

  constructor(
    providers: readonly IdentityProviderClient[],
    private readonly accounts: ExternalAccounts,
    private readonly states: FlowStates,
    private readonly limits: AttemptLimits,
    private readonly rules: ExternalIdentityRules,
    private readonly settings: { redirectUris: readonly string[]; recentSignInSeconds: number },
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {
    this.byId = new Map(providers.map((provider) => [provider.id, provider]));
  }

  /** The configured providers, in the configuration's order. */
  providers(): Array<{ id: string; name: string }> {
    return [...this.byId.values()].map(({ id, name }) => ({ id, name }));
  }

  /** Discovers every provider not discovered yet; how many are ready. */
  async prepare(): Promise<number> {
    return (await Promise.all([...this.byId.values()].map((provider) => provider.prepare()))).filter(Boolean).length;
  }

  /** Starts a sign-in (or sign-up): the URL to send the browser to, and the state to expect back. */
  start(ctx: ServiceContext, provider: string, redirectUri: string): Promise<ExternalSignInStart | InvalidInput> {
    return this.begin(ctx, provider, redirectUri, 'sign-in', undefined);
  }

  /**
   * Starts adding an identity to the viewer's account. Needs a recent sign-in, as setting up an
   * authenticator app does: a stolen, older session must not tie its thief's account at a provider to
   * this one. The state is bound to the viewer's session: no one else can finish it.
   */
  startLink(ctx: ViewerContext, provider: string, redirectUri: string): Promise<ExternalSignInStart | InvalidInput> {
    requireRecentSignIn(ctx, this.settings.recentSignInSeconds, this.now(), 'link another way to sign in');
    return this.begin(ctx, provider, redirectUri, 'link', ctx.viewer);
  }

  /** Finishes a sign-in started by `start`; `route` when the callback route received the redirect. */
  async finish(ctx: ServiceContext, callback: Callback, route?: RouteFinish): Promise<ExternalSignInOutcome> {
    return this.counted(ctx, async () => {
      const flow = await this.takeFlow(callback, 'sign-in', undefined, route);
      if (isFailure(flow)) return flow;
      const provider = this.byId.get(flow.provider)!;
      const profile = await this.redeem(provider, flow, callback);
      if (isFailure(profile)) return profile;
      const outcome = await this.accounts.signIn(ctx, provider, profile);
      if (!isFailure(outcome)) return outcome;
      if (outcome.code === 'NO_VERIFIED_EMAIL') return signInFailure('NO_VERIFIED_EMAIL', outcome.message);
      return signInFailure('EMAIL_NOT_VERIFIED', failures.emailNotVerified().message);
    });
  }

  /** Finishes a link started by `startLink`, in the same session. */
  async link(ctx: ViewerContext, callback: Callback): Promise<LinkOutcome> {
    return this.counted(ctx, async () => {
      const flow = await this.takeFlow(callback, 'link', ctx, undefined);
      if (isFailure(flow)) return flow;
      const provider = this.byId.get(flow.provider)!;
      const profile = await this.redeem(provider, flow, callback);
      if (isFailure(profile)) return profile;
      return this.accounts.link(ctx, provider, profile);
    });
  }

  /** Needs a recent sign-in, as linking does: an older, perhaps stolen, session must not take a way in away. */
  unlink(ctx: ViewerContext, id: string) {
    requireRecentSignIn(ctx, this.settings.recentSignInSeconds, this.now(), 'unlink an identity');
    return this.accounts.unlink(ctx, id);
  }

  identities(userId: string): Promise<ExternalIdentity[]> {
    return this.accounts.identities(userId);
  }

  private async begin(
    ctx: ServiceContext,
    providerId: string,
    redirectUri: string,
    purpose: FlowPurpose,
    viewer: ViewerContext['viewer'] | undefined,
  ): Promise<ExternalSignInStart | InvalidInput> {
    const provider = this.byId.get(providerId);
    const problems: FieldProblem[] = [];
    if (!provider) problems.push({ field: 'provider', message: 'No identity provider has this id: see `identityProviders`.' });
    // Exactly as listed (RFC 9700 section 4.1.3: no patterns, no prefixes).
    const listed = this.settings.redirectUris.includes(redirectUri);
    if (!listed) {
      problems.push({ field: 'redirectUri', message: 'This redirect URI is not allowed: it must be one of the exact URIs the service is configured with.' });
    }
    // The callback route has no viewer (a navigation carries no access token): a link ends in GraphQL.
    if (provider && listed && purpose === 'link' && isCallbackRoute(redirectUri, provider.id)) {
      problems.push({ field: 'redirectUri', message: 'A link is finished by `linkExternalIdentity`: use a redirect URI of the app, not the callback route.' });
    }
    if (!provider || problems.length > 0) return failures.invalidInput(problems);
    // Each start keeps a state in the shared store for ten minutes: bounded per client address.
    const limited = await this.limits.hit(this.rules.start, this.limits.address(ctx.client.ipAddress));
    if (limited) throw new TooManyAttemptsError(limited.retryAfter);
    // The start's union holds only what a client must handle case by case; a provider that cannot be
    // reached yet is a dependency outage like any other: SERVICE_UNAVAILABLE, try again shortly.
    if (!(await provider.prepare())) throw new DependencyUnavailableError(`identity provider ${provider.id}`);

    const binding = isCallbackRoute(redirectUri, provider.id) ? randomBytes(32).toString('base64url') : undefined;
    const { state, flow } = await this.states.begin({
      provider: provider.id,
      redirectUri,
      purpose,
      userId: viewer?.userId,
      sessionId: viewer?.sessionId,
      browserBindingHash: binding && sha256(binding),
    });
    const url = await provider.authorizationUrl({
      redirectUri,
      state,
      codeChallenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
      nonce: flow.nonce,
    });
    return {
      kind: 'external-sign-in-start',
      authorizationUrl: url.href,
      state,
      ...(binding && { browserBinding: { name: bindingCookieName(state), value: binding } }),
    };
  }

  /**
   * Takes the state (so it works once, whatever follows) and checks what it was bound to: the same
   * provider, the same purpose, for a link the same session, for the callback route the same browser.
   * Each mismatch is refused alike.
   */
  private async takeFlow(
    callback: Callback,
    purpose: FlowPurpose,
    viewer: ViewerContext | undefined,
    route: RouteFinish | undefined,
  ): Promise<FlowState | ExternalSignInFailure> {
    const flow = await this.states.take(callback.state);
    const expired = signInFailure('INVALID_STATE', 'This sign-in has expired or was already used. Please start again.');
    if (!flow || flow.provider !== callback.provider || flow.purpose !== purpose || !this.byId.has(flow.provider)) return expired;
    if (viewer && (flow.userId !== viewer.viewer.userId || flow.sessionId !== viewer.viewer.sessionId)) return expired;
    if (route) {
      const binding = route.browserBinding(bindingCookieName(callback.state));
      if (!flow.browserBindingHash || !binding || sha256(binding) !== flow.browserBindingHash) return expired;
    } else if (flow.browserBindingHash) {
      // Started for the callback route, so only the route, in the browser that started it, may finish
      // it: whoever read the redirect's URL (history, a proxy's log, a Referer) cannot redeem its code
      // through GraphQL, where no cookie is asked for. PKCE does not cover this: the verifier is ours.
      return expired;
    }
    return flow;
  }

  private async redeem(provider: IdentityProviderClient, flow: FlowState, callback: Callback): Promise<ProviderProfile | ExternalSignInFailure> {
    if (callback.error) {
      this.logger.info('external sign-in: the provider answered with an error', { provider: provider.id, error: callback.error.slice(0, 64) });
      return callback.error === 'access_denied'
        ? signInFailure('ACCESS_DENIED', `The sign-in was cancelled at ${provider.name}. You can try again.`)
        : signInFailure('PROVIDER_REFUSED', `The sign-in with ${provider.name} could not be completed. Please try again.`);
    }
    // Nothing a provider issues is this long or empty; not worth a round trip to it.
    if (!callback.code || callback.code.length > 2048 || (callback.iss?.length ?? 0) > 2048) {
      return signInFailure('PROVIDER_REFUSED', `The sign-in with ${provider.name} could not be completed. Please try again.`);
    }
    try {
      return await provider.redeem({
        code: callback.code,
        state: callback.state,
        iss: callback.iss ?? undefined,
        redirectUri: flow.redirectUri,
        codeVerifier: flow.codeVerifier,
        nonce: flow.nonce,
      });
    } catch (error) {
      const classified = classifyProviderError(error);
      if (classified instanceof ProviderUnavailableError) {
        this.logger.warn('external sign-in: provider unavailable', { provider: provider.id, reason: classified.reason });
        return this.unavailable(provider);
      }
      this.logger.info('external sign-in refused', { provider: provider.id, reason: classified.reason });
      return signInFailure('PROVIDER_REFUSED', `The sign-in with ${provider.name} could not be completed. Please try again.`);
    }
  }

  /**
   * Failed finishes are limited per client address, consulted first; successes do not count, nor does
   * a provider being down or a user cancelling. `AccountLinkRequired` counts: it says an account exists.
   */
  private async counted<T extends { kind: string }>(ctx: ServiceContext, finish: () => Promise<T>): Promise<T | RateLimited> {
    const address = this.limits.address(ctx.client.ipAddress);
    const limited = await this.limits.peek(this.rules.failures, address);
    if (limited) return limited;
    const outcome = await finish();
    const reason = isFailure(outcome) ? (outcome as Partial<ExternalSignInFailure>).reason : undefined;
    const failed =
      outcome.kind === 'account-link-required' ||
      (isFailure(outcome) && reason !== 'PROVIDER_UNAVAILABLE' && reason !== 'ACCESS_DENIED' && reason !== 'EMAIL_NOT_VERIFIED');
    if (failed) await this.limits.hit(this.rules.failures, address);
    return outcome;
  }

  private unavailable(provider: IdentityProviderClient): ExternalSignInFailure {
    return signInFailure('PROVIDER_UNAVAILABLE', `${provider.name} cannot be reached right now. Please try again in a moment.`);
  }
}

function signInFailure(reason: ExternalSignInReason, message: string): ExternalSignInFailure {
  return { ...failure('EXTERNAL_SIGN_IN_FAILED', message), reason };
}

/** One cookie per start (named after its state), so sign-ins started in two tabs do not undo each other. */
export function bindingCookieName(state: string): string {
  return `external_sign_in_${sha256(state).slice(0, 16)}`;
}

export const BINDING_COOKIE_MAX_AGE = FLOW_TTL_SECONDS;
