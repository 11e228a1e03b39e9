// Four-eyes and the trail: /v1/settings/{mode} (require_approval), /v1/activation-requests
// (list, approve, reject) and /v1/audit (filters, cursor pages).
import { Hono, type Context } from 'hono';
import type { Kysely } from 'kysely';
import type { Activations } from '../activations.js';
import { auditFilter, auditPage } from '../audit.js';
import type { ActivationStatus, Database, Mode } from '../db/schema.js';
import { body, type AppEnv } from '../http.js';
import type { KeyIdentity } from '../keys.js';
import { Problem } from '../problem.js';

/** The mode a settings path names: the admin key's choice, or the mode key's own. */
function settingsMode(c: Context<AppEnv>): Mode {
  const mode = c.req.param('mode');
  if (mode !== 'test' && mode !== 'live') throw new Problem(400, 'invalid-parameter', "the mode must be 'test' or 'live'");
  if (c.get('actor') !== 'admin' && c.get('mode') !== mode) throw new Problem(403, 'forbidden', `a ${c.get('mode')} key reads its own mode's settings`);
  return mode;
}

export function settingsRoutes(activations: Activations): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/:mode', async (c) => c.json(await activations.settings(settingsMode(c))));
  app.put('/:mode', async (c) => {
    const mode = settingsMode(c);
    const b = await body<{ require_approval: boolean }>(c, 'Settings');
    return c.json(await activations.putSettings(mode, b.require_approval, c.get('actor')));
  });
  return app;
}

const STATUSES: readonly string[] = ['pending', 'approved', 'rejected'] satisfies ActivationStatus[];

export function activationRequestRoutes(activations: Activations): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const status = c.req.query('status');
    if (status !== undefined && !STATUSES.includes(status)) throw new Problem(400, 'invalid-parameter', "query parameter 'status' must be pending, approved or rejected");
    return c.json({ data: await activations.list(c.get('mode'), status as ActivationStatus | undefined) });
  });
  app.get('/:id', async (c) => c.json(await activations.get(c.get('mode'), c.req.param('id'))));
  const decide = (verb: 'approve' | 'reject') => async (c: Context<AppEnv>) => {
    const b = await body<{ message?: string }>(c, 'ActivationDecision');
    const key = c.get('actor') as KeyIdentity;
    return c.json(await activations[verb](c.get('mode'), c.req.param('id')!, key, b.message));
  };
  app.post('/:id/approve', decide('approve'));
  app.post('/:id/reject', decide('reject'));
  return app;
}

export function auditRoutes(db: Kysely<Database>): Hono<AppEnv> {
  return new Hono<AppEnv>().get('/', async (c) => {
    const mode = c.get('actor') === 'admin' ? undefined : c.get('mode');
    return c.json(await auditPage(db, auditFilter((name) => c.req.query(name), mode)));
  });
}
