// /v1/api-keys: only the admin key manages keys; /v1/me: who a key is and what it may do.
import { Hono } from 'hono';
import type { Mode } from '../db/schema.js';
import { body, type AppEnv } from '../http.js';
import type { Keys } from '../keys.js';
import { notFound } from '../problem.js';
import { rightsOf, type Role } from '../roles.js';

/** GET /v1/me: the calling key, its role and rights (the admin key: `{ "admin": true }`). */
export function meRoutes(): Hono<AppEnv> {
  return new Hono<AppEnv>().get('/', (c) => {
    const actor = c.get('actor');
    if (typeof actor === 'string') return c.json({ admin: true });
    return c.json({ id: actor.id, name: actor.name, mode: c.get('mode'), role: actor.role, rights: rightsOf(actor.role) });
  });
}

export function keyRoutes(keys: Keys): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/', async (c) => {
    const b = await body<{ mode: Mode; name?: string; role?: Role }>(c, 'ApiKeyCreate');
    const created = await keys.create(b.mode, b.name ?? '', b.role ?? null);
    return c.json(created, 201);
  });
  app.get('/', async (c) => c.json({ data: await keys.list() }));
  app.delete('/:id', async (c) => {
    if (!(await keys.revoke(c.req.param('id')))) throw notFound(`no API key '${c.req.param('id').slice(0, 100)}'`);
    return c.body(null, 204);
  });
  return app;
}
