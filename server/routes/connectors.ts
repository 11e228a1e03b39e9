// /v1/routes/{route}/connector: which provider connector pays through a route, per mode.
import { Hono } from 'hono';
import type { Connectors, ConnectorPut } from '../connectors/registry.js';
import { body, nameParam, type AppEnv } from '../http.js';
import { notFound } from '../problem.js';

export function connectorRoutes(connectors: Connectors): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.put('/:route/connector', async (c) => {
    const route = nameParam(c, 'route');
    const put = await body<ConnectorPut>(c, 'ConnectorPut');
    return c.json(await connectors.put(c.get('mode'), route, put));
  });
  app.get('/:route/connector', async (c) => c.json(await connectors.view(c.get('mode'), nameParam(c, 'route'))));
  app.delete('/:route/connector', async (c) => {
    const route = nameParam(c, 'route');
    if (!(await connectors.remove(c.get('mode'), route))) throw notFound(`route '${route}' has no connector configured`);
    return c.body(null, 204);
  });
  return app;
}
