// The baseline for the HTTP benchmark: a bare Hono endpoint returning a constant JSON body,
// served the way Sluice is served (@hono/node-server, one process).
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
const BODY = { status: 'routed', route: 'acme_eur' };
app.post('/decide', (c) => c.json(BODY));
app.get('/decide', (c) => c.json(BODY));
// The same answer after reading and parsing the request's JSON body, as any decide must.
app.post('/decide-parsed', async (c) => {
  const parsed: unknown = await c.req.json();
  return c.json(parsed === null ? {} : BODY);
});

serve({ fetch: app.fetch, port: Number(process.env['PORT'] ?? 0), hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`listening on http://127.0.0.1:${info.port}\n`);
});
