import type { Metrics } from '../infra/metrics';
import { sendJson, serveMetrics } from './handler';
import type { Route } from './router';

/** Per dependency, "up" or "down": no versions, hosts or error text. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, 'up' | 'down'>;
}

/** The probes a load balancer or orchestrator asks, and the metrics (unless on a port of their own). */
export function probeRoutes(readiness: () => Promise<Readiness>, metrics: Metrics | undefined): Route[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      // Liveness: the process answers. Dependencies are /readyz's business.
      handle: (_req, res) => sendJson(res, 200, { status: 'ok' }),
    },
    {
      method: 'GET',
      path: '/readyz',
      handle: async (_req, res) => {
        const { ready, checks } = await readiness();
        sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', checks });
      },
    },
    ...(metrics
      ? [
          {
            method: 'GET' as const,
            path: '/metrics',
            handle: (_req: unknown, res: import('node:http').ServerResponse) => serveMetrics(res, metrics),
          },
        ]
      : []),
  ];
}
