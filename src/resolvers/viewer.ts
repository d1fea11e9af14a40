import { createParameterDecorator, type AuthChecker } from 'type-graphql';
import { requireViewer, type RequestContext } from '../context';

/**
 * `@Authorized()` fields need a live access token. Missing: UNAUTHENTICATED; bad or revoked: also
 * UNAUTHENTICATED, as HTTP 401 with `WWW-Authenticate` (thrown by `requireViewer`).
 */
export const authChecker: AuthChecker<RequestContext> = async ({ context }) => {
  await requireViewer(context);
  return true;
};

/** Injects the authenticated viewer's token claims into a resolver argument. */
export function CurrentViewer() {
  return createParameterDecorator<RequestContext>(({ context }) => requireViewer(context));
}
