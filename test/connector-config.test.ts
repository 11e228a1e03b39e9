// A route's connector configuration through the API, on PGlite and (with TEST_DATABASE_URL)
// PostgreSQL: per mode, secrets write-only, 422 with paths, and the registry that follows it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connectors } from '../server/connectors/registry.js';
import { simSignature, simulatorConnector, startSimulator, SIM_SIGNATURE_HEADER, type ProviderSimulator } from '../server/connectors/simulator.js';
import { subscribe } from '../server/notifications.js';
import type { Service } from '../server/start.js';
import { backends, keyed, type Client } from './support/service.js';

const API_KEY = 'sk_sim_config_test';
const SECRET = 'whsec_config_test';
const order = (id: string) => ({ id, mode: 'test' as const, route: 'sim_eur', amount: '10.00', currency: 'EUR', reference: null, sentAt: null });

describe.each(backends())('connector configuration on $name', (backend) => {
  let service: Service;
  let test: Client;
  let live: Client;
  let sim: ProviderSimulator;
  let body: ReturnType<typeof simulatorConnector>;

  beforeAll(async () => {
    service = await backend.open();
    test = await keyed(service, 'test');
    live = await keyed(service, 'live');
    sim = await startSimulator({ apiKey: API_KEY, secret: SECRET });
    body = simulatorConnector(sim.url, { apiKey: API_KEY, secret: SECRET });
  }, 60_000);
  afterAll(async () => {
    await sim.close();
    await backend.cleanup();
  });

  it("shows each mode's default until a connector is configured", async () => {
    expect((await test.get('/v1/routes/fresh_eur/connector')).body).toEqual({ route: 'fresh_eur', kind: 'test', configured: false, config: null, secrets: {}, updated_at: null });
    expect((await live.get('/v1/routes/fresh_eur/connector')).body).toMatchObject({ kind: 'none', configured: false });
  });

  it('stores a connector per mode and never returns its secrets', async () => {
    const put = await test.put('/v1/routes/sim_eur/connector', body);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ route: 'sim_eur', kind: 'http', configured: true, config: body.config, secrets: { credentials: 'set', webhook_secret: 'set' } });
    const got = await test.get('/v1/routes/sim_eur/connector');
    expect(got.body).toEqual(put.body);
    for (const answer of [put, got]) {
      expect(JSON.stringify(answer.body)).not.toContain(API_KEY);
      expect(JSON.stringify(answer.body)).not.toContain(SECRET);
    }
    expect((await live.get('/v1/routes/sim_eur/connector')).body).toMatchObject({ kind: 'none', configured: false });
  });

  it('keeps secrets a later PUT does not name, and removes one set to null', async () => {
    await test.put('/v1/routes/keep_eur/connector', body);
    const { secrets: _, ...withoutSecrets } = body;
    expect((await test.put('/v1/routes/keep_eur/connector', withoutSecrets)).body.secrets).toEqual({ credentials: 'set', webhook_secret: 'set' });
    const { webhook: __, ...noWebhook } = body.config;
    const removed = await test.put('/v1/routes/keep_eur/connector', { kind: 'http', config: noWebhook, secrets: { webhook_secret: null } });
    expect(removed.status).toBe(200);
    expect(removed.body.secrets).toEqual({ credentials: 'set' });
  });

  it('refuses a configuration that cannot work with 422 and the path of each error', async () => {
    const bad = async (sent: unknown) => {
      const res = await test.put('/v1/routes/bad_eur/connector', sent);
      expect(res.status).toBe(422);
      return (res.body.errors as { path: string }[]).map((e) => e.path);
    };
    const { statuses: _, ...noStatuses } = body.config;
    expect(await bad({ ...body, config: noStatuses })).toContain('/config/statuses');
    expect(await bad({ ...body, kind: 'test' })).toContain('/kind');
    expect(await bad({ ...body, config: { ...body.config, statuses: { paid: 'done' } } })).toContain('/config/statuses/paid');
    expect(await bad({ ...body, config: { ...body.config, send: { ...body.config.send, body: { amount: '{{amount}}', who: '{{password}}' } } } })).toEqual(['/config/send/body']);
    expect(await bad({ kind: 'http', config: body.config })).toEqual(['/secrets/credentials', '/secrets/webhook_secret']);
    expect(await bad({ ...body, config: { ...body.config, base_url: 'http://user:pw@example.com' } })).toEqual(['/config/base_url']);
    expect(await bad({ ...body, secrets: { credentials: 'Bearer a\r\nX-Injected: 1' } })).toContain('/secrets/credentials');
    expect((await test.get('/v1/routes/bad_eur/connector')).body.configured).toBe(false);
    // Live mode sends credentials over https only (or to this machine).
    const res = await live.put('/v1/routes/bad_eur/connector', { ...body, config: { ...body.config, base_url: 'http://provider.example.com' } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: '/config/base_url', message: expect.stringMatching(/https/) }]);
  });

  it('deletes a connector, which puts the default back; deleting nothing is 404', async () => {
    await live.put('/v1/routes/gone_eur/connector', body);
    expect((await live.delete('/v1/routes/gone_eur/connector')).status).toBe(204);
    expect((await live.get('/v1/routes/gone_eur/connector')).body.configured).toBe(false);
    expect((await live.delete('/v1/routes/gone_eur/connector')).status).toBe(404);
  });

  it("gives a route's configured connector, else the mode's default, and follows changes made elsewhere", async () => {
    const registry = new Connectors(service.store.db);
    await subscribe(service.store, [registry]);
    await test.put('/v1/routes/reg_eur', { test_outcome: 'pending:5m' });
    expect(await (await registry.forRoute('test', 'reg_eur')).send(order('po_r1'))).toMatchObject({ kind: 'accepted' });
    expect(await (await registry.forRoute('live', 'reg_eur')).send(order('po_r1'))).toEqual({ kind: 'failed', code: 'provider_not_configured' });

    await test.put('/v1/routes/reg_eur/connector', body);
    await eventually(async () => (await registry.forRoute('test', 'reg_eur')).kind === 'http');
    expect(await (await registry.forRoute('test', 'reg_eur')).send(order('po_r2'))).toEqual({ kind: 'succeeded', reference: expect.stringMatching(/^sim_/) });
    expect(sim.ledger().payouts['po_r2']).toMatchObject({ status: 'paid', sends: 1 });

    await test.delete('/v1/routes/reg_eur/connector');
    await eventually(async () => (await registry.forRoute('test', 'reg_eur')).kind === 'test');
  });

  it('finds the mode of a webhook by the connector whose signature it carries', async () => {
    await live.put('/v1/routes/hook_eur/connector', { ...body, secrets: { ...body.secrets, webhook_secret: 'whsec_live' } });
    await test.put('/v1/routes/hook_eur/connector', body);
    const registry = new Connectors(service.store.db);
    const found = await registry.forWebhook('hook_eur');
    expect(found.map((f) => f.mode).sort()).toEqual(['live', 'test']);
    const payload = JSON.stringify({ id: 'po_h', reference: 'sim_5', status: 'paid' });
    const headers = { [SIM_SIGNATURE_HEADER]: simSignature('whsec_live', payload, Math.floor(Date.now() / 1000)) };
    expect(found.filter((f) => f.connector.webhook(headers, payload).ok).map((f) => f.mode)).toEqual(['live']);
    expect(await registry.forWebhook('nobody_eur')).toEqual([]);
  });

  it('lists the connector endpoints in the OpenAPI document', async () => {
    const doc = (await (await service.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths['/v1/routes/{route}/connector']!).sort()).toEqual(['delete', 'get', 'put']);
    expect(doc.components.schemas).toHaveProperty('ConnectorPut');
  });
});

/** Waits for a notification to reach the registry (delivered asynchronously, after the commit). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the change never arrived');
}
