import type { ApolloServerPlugin } from '@apollo/server';
import { Authorized, createParameterDecorator, Extensions, type AuthChecker } from 'type-graphql';
import { requireViewer, viewerContext, type RequestContext } from './context';
import { unauthenticated } from './errors';
import { rootFieldNames } from './rootFields';

/**
 * `@Authorized()` fields need a live access token. Missing: UNAUTHENTICATED; bad or revoked: also
 * UNAUTHENTICATED, as HTTP 401 with `WWW-Authenticate` (thrown by `requireViewer`).
 */
export const authChecker: AuthChecker<RequestContext> = async ({ context }) => {
  await requireViewer(context);
  return true;
};

/** Injects the request as the signed-in viewer's (a `ViewerContext` for services) into a resolver argument. */
export function AsViewer() {
  return createParameterDecorator<RequestContext>(({ context }) => viewerContext(context));
}

/**
 * A root field that acts for the signed-in viewer: `@Authorized()` for the resolver, plus a mark that
 * `authenticateBeforeExecution` reads to decide before anything in the document runs. One decorator,
 * so the two can never drift apart.
 */
export function RequiresViewer(): MethodDecorator {
  const authorized = Authorized();
  const marked = Extensions({ viewer: 'required' });
  return (target, key, descriptor) => {
    authorized(target, key, descriptor);
    marked(target, key, descriptor);
  };
}

/**
 * A root field that works without a token but refuses a bad one: `me`, and `requestEmailVerification`
 * (by address without a token; for the viewer without one, its resolver asks for the viewer).
 */
export function OptionalViewer(): MethodDecorator {
  return Extensions({ viewer: 'optional' });
}

/**
 * Decides authentication for the whole operation before any field runs. Without it, a document such
 * as `mutation { register(...) { ... } logout }` sent with a revoked token would create the account and
 * then answer 401: the client would be told it failed after it had succeeded.
 */
export function authenticateBeforeExecution(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, schema, document, contextValue }) {
          // Queries change nothing, so each field's own check is enough; it also lets `me` ask the
          // allowlist and the profile cache in one round trip.
          if (!operation || operation.operation === 'query') return;
          const root = schema.getRootType(operation.operation);
          if (!root) return;
          const modes = rootFieldNames(operation, document).map(
            (name) => root.getFields()[name]?.extensions?.viewer,
          );
          if (!modes.includes('required') && !modes.includes('optional')) return;
          const state = await contextValue.auth();
          if (state.kind === 'invalid') throw unauthenticated(true);
          if (state.kind === 'anonymous' && modes.includes('required')) throw unauthenticated(false);
        },
      };
    },
  };
}
