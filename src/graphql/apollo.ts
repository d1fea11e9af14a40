import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { MaxIntrospectionDepthRule, type GraphQLFormattedError } from 'graphql';
import type { CookieSettings } from '../http/cookies';
import { refreshCookiePlugin } from '../features/sessions/graphql/refreshCookie';
import type { RequestContext } from './context';
import { TOP_LEVEL_ERROR_CODES } from './errorCodes';
import { TopLevelCode } from './errors';
import { MAX_TOKENS, operationLimits } from './limits';
import { rootFieldLabel } from './rootFields';
import { createSchema } from './schema';
import { authenticateBeforeExecution } from './viewer';

/** Builds and starts the Apollo Server of the GraphQL endpoint. */
export async function createApollo(options: { isProduction: boolean; cookies: CookieSettings; now: () => number }): Promise<ApolloServer<RequestContext>> {
  const { isProduction } = options;
  const apollo = new ApolloServer<RequestContext>({
    schema: await createSchema(),
    introspection: !isProduction,
    // No "did you mean ..." suggestions that would map the schema for an attacker.
    hideSchemaDetailsFromClientErrors: isProduction,
    includeStacktraceInErrorResponses: false,
    // Checked in http/ instead (csrf.ts): Apollo's check would also refuse urql's GET queries.
    csrfPrevention: false,
    allowBatchedHttpRequests: false,
    // The limits first: they refuse a hostile document before graphql-js's costlier rules walk it.
    // MaxIntrospectionDepthRule bounds cyclic introspection (types > fields > type > fields ...), which
    // the limits leave to it.
    validationRules: [operationLimits(), MaxIntrospectionDepthRule],
    // Each validation error costs a stack trace; a client needs the first few, an attacker wants many.
    validationOptions: { maxErrors: 10 },
    parseOptions: { maxTokens: MAX_TOKENS },
    // main.ts owns signal handling and shutdown order.
    stopOnTerminationSignals: false,
    formatError: maskUnexpected,
    plugins: [
      authenticateBeforeExecution(),
      refreshCookiePlugin(options.cookies, options.now),
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ operation, operationName, document, contextValue }) {
              const fields = operation && `${operation.operation} ${rootFieldLabel(operation, document)}`;
              contextValue.trace.fields = fields ?? undefined;
              contextValue.trace.operation = operationName ?? fields ?? undefined;
            },
            async willSendResponse({ contextValue, response }) {
              if (contextValue.retryAfter) response.http.headers.set('retry-after', String(contextValue.retryAfter));
              const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
              const code = body?.errors?.[0]?.extensions?.code;
              contextValue.trace.outcome ??= typeof code === 'string' ? code : 'ok';
            },
          };
        },
      },
      // Responses are never cacheable (`Cache-Control: no-store`, set by the HTTP handler), and the
      // cache-control plugin, on by default, wraps every field's resolver to compute a cache policy.
      ApolloServerPluginCacheControlDisabled(),
      isProduction
        ? ApolloServerPluginLandingPageDisabled()
        : (ApolloServerPluginLandingPageLocalDefault({ embed: true }) as ApolloServerPlugin<RequestContext>),
    ],
  });
  await apollo.start();
  return apollo;
}

// Codes that are safe to show as they are: the ones clients are told about (errorCodes.ts).
const PUBLIC_CODES = new Set<string>(TOP_LEVEL_ERROR_CODES.filter((code) => code !== TopLevelCode.INTERNAL_SERVER_ERROR));

/** Last line of defence: whatever reaches the client without a known code is reduced to a bare message. */
function maskUnexpected(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
    const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return { message: 'Internal server error.', extensions: { code: TopLevelCode.INTERNAL_SERVER_ERROR } };
}
