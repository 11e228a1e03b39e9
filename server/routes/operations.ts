// What probes and scrapers ask: /livez (the process answers; no I/O), /healthz (its old name),
// /readyz (database, migrations, active schemes loaded) and /metrics (Prometheus text, behind the
// admin key or the metrics token).
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { bearer, clientOf, type Authenticator } from '../auth.js';
import { withSecurityHeaders } from '../guards.js';
import type { AppEnv } from '../http.js';
import type { Keys } from '../keys.js';
import type { Metrics } from '../metrics.js';
import { Problem } from '../problem.js';
import type { Readiness } from '../readiness.js';

export interface OperationDeps {
  readonly readiness: Readiness;
  readonly metrics: Metrics;
  readonly keys: Keys;
  readonly auth: Authenticator;
  /** A bearer token for /metrics besides the admin key. */
  readonly metricsToken?: string | undefined;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Whether the bearer is the metrics token (compared in constant time) or the admin key. */
function scraper(deps: OperationDeps): (key: string | undefined) => boolean {
  const token = deps.metricsToken === undefined ? undefined : digest(deps.metricsToken);
  return (key) => key !== undefined && ((token !== undefined && timingSafeEqual(digest(key), token)) || deps.keys.isAdmin(key));
}

export function operationRoutes(deps: OperationDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const live = () => withSecurityHeaders(Response.json({ status: 'ok' }));
  app.get('/livez', live);
  app.get('/healthz', live);
  app.get('/readyz', async () => {
    const report = await deps.readiness.check();
    return withSecurityHeaders(Response.json({ status: report.ready ? 'ready' : 'unavailable', checks: report.checks }, { status: report.ready ? 200 : 503 }));
  });
  if (!deps.metrics.enabled) return app;
  const allowed = scraper(deps);
  app.get('/metrics', async (c) => {
    const client = clientOf(c.env?.incoming);
    deps.auth.admitClient(client);
    if (!allowed(bearer(c.req.header('authorization')))) {
      deps.auth.clientFailed(client);
      throw new Problem(401, 'unauthorized', 'send the admin key or the metrics token as "Authorization: Bearer TOKEN"');
    }
    const { text, contentType } = await deps.metrics.exposition();
    return new Response(text, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
  });
  return app;
}
