import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceContext } from '../core/context';

/** An HTTP route outside GraphQL (a feature's callback, the JWKS, the probes). */
export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** Answers the request; HEAD is served by GET routes, without the body. */
  handle(req: IncomingMessage, res: ServerResponse, context: ServiceContext, url: URL): Promise<void> | void;
}

/** Routes by exact path, then method: one lookup per request, however many features add routes. */
export class Router {
  private readonly byPath = new Map<string, Map<string, Route>>();

  constructor(routes: readonly Route[]) {
    for (const route of routes) {
      let methods = this.byPath.get(route.path);
      if (!methods) this.byPath.set(route.path, (methods = new Map()));
      if (methods.has(route.method)) throw new Error(`two routes for ${route.method} ${route.path}`);
      methods.set(route.method, route);
    }
  }

  /** The route for this request; undefined when no route has its path (`allowed` lists the methods of one that does). */
  find(method: string | undefined, path: string): { route?: Route; allowed?: string[] } {
    const methods = this.byPath.get(path);
    if (!methods) return {};
    const route = methods.get(method === 'HEAD' ? 'GET' : (method ?? 'GET'));
    return route ? { route } : { allowed: [...methods.keys()] };
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }
}
