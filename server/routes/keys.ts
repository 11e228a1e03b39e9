// /v1/api-keys: only the admin key manages keys.
import { Hono } from 'hono';
import type { Mode } from '../db/schema.js';
import { body, type AppEnv } from '../http.js';
import type { Keys } from '../keys.js';
import { notFound } from '../problem.js';

export function keyRoutes(keys: Keys): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/', async (c) => {
    const b = await body<{ mode: Mode; name?: string }>(c, 'ApiKeyCreate');
    const created = await keys.create(b.mode, b.name ?? '');
    return c.json(created, 201);
  });
  app.delete('/:id', async (c) => {
    if (!(await keys.revoke(c.req.param('id')))) throw notFound(`no API key '${c.req.param('id').slice(0, 100)}'`);
    return c.body(null, 204);
  });
  return app;
}
