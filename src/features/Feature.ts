import type { EntityClass } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { CoreConfig } from '../config';
import type { EnvReader } from '../config/env';
import type { AttemptLimits } from '../core/AttemptLimits';
import type { EphemeralStore } from '../core/EphemeralStore';
import type { EventListener } from '../core/events';
import type { ProfileStore, TokenAllowlist } from '../core/TokenAllowlist';
import type { Transactions } from '../core/Transactions';
import type { HashPool } from '../infra/hashing/HashPool';
import type { Logger } from '../infra/logger';
import type { LoginFlow } from '../login/LoginFlow';
import type { ReAuthenticator } from '../login/ReAuthenticator';
import type { SignInMethods } from '../login/SignInMethods';
import type { SessionService } from '../sessions/SessionService';
import type { LinkTokens } from '../users/LinkTokens';
import type { CookieSettings } from '../http/cookies';
import type { Route } from '../http/router';

/** What every feature is built from: the shared infrastructure and the core flows. */
export interface Kit {
  readonly config: CoreConfig;
  /** How the service's cookies are set (the refresh cookie's settings), for routes that set cookies. */
  readonly cookies: CookieSettings;
  readonly orm: MikroORM;
  readonly logger: Logger;
  readonly now: () => number;
  readonly transactions: Transactions;
  readonly loginFlow: LoginFlow;
  readonly reauth: ReAuthenticator;
  /** Every way each user can sign in: modules that offer one register; removals ask it first. */
  readonly signInMethods: SignInMethods;
  readonly sessions: SessionService;
  readonly limits: AttemptLimits;
  readonly linkTokens: LinkTokens;
  readonly hashPool: HashPool;
  readonly allowlist: TokenAllowlist;
  readonly profiles: ProfileStore;
  readonly ephemeral: EphemeralStore;
}

/** Work a feature wants done every so often (pruning), on any instance: it must be idempotent. */
export interface PeriodicTask {
  readonly name: string;
  readonly everyMs: number;
  /** Also once as the service starts serving, in the background (never for an operator's command). */
  readonly atStart?: boolean;
  run(): Promise<number>;
}

/** A feature once built: its service (what its resolvers call) and what it plugs into the core. */
export interface FeatureInstance<Service> {
  readonly service: Service;
  readonly listeners?: readonly EventListener[];
  readonly routes?: readonly Route[];
  readonly tasks?: readonly PeriodicTask[];
}

/**
 * One sign-in method or account feature, in a folder of its own: its service, entities, GraphQL types
 * and resolvers, error codes, rate-limit rules, configuration section and HTTP routes. The registry
 * (`features/index.ts`) lists them; adding one is adding a folder and a line there.
 */
export interface Feature<Name extends string = string, Settings = unknown, Service = unknown> {
  readonly name: Name;
  /** Its section of the configuration, read through `env` (never from the environment itself). */
  readonly config: (env: EnvReader, core: CoreConfig) => Settings;
  /** Tables it owns (their migrations are in migrations/). */
  readonly entities: readonly EntityClass<object>[];
  /** type-graphql resolver classes; each carries `@UseMiddleware(RootFieldInterceptor)`. */
  readonly resolvers: readonly Function[];
  /** Types the schema must include though no field names them directly (error types of unions). */
  readonly types?: readonly Function[];
  readonly create: (kit: Kit, settings: Settings) => FeatureInstance<Service>;
}

/** Declares a feature with its types inferred. */
export function feature<Name extends string, Settings, Service>(definition: Feature<Name, Settings, Service>) {
  return definition;
}
