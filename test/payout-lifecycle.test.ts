// The payout lifecycle over real providers: payouts accepted and answered later (by webhook or by a
// status query), sends that time out, declines that fail over, duplicate and stale webhooks, and
// reversals; through the test connector's outcomes and through the http connector against the
// provider simulator (a real HTTP server), webhooks over real sockets.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simSignature, simulatorConnector, SIM_SIGNATURE_HEADER, startSimulator, type ProviderSimulator, type SimulatorOptions } from '../server/connectors/simulator.js';
import type { RunningService } from '../server/start.js';
import { backends, keyed, type Client } from './support/service.js';

const SCHEME = `scheme life
mode test
attempts 3

route a_eur EUR fee 0.10
route b_eur EUR fee 2.00

service a_only {
  cost a_eur
}

service a_then_b {
  cost a_eur, b_eur
}
`;

const SECRET = 'whsec_lifecycle';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const request = (amount: string, service: string) => ({ data: { type: 'payout-request', attributes: { point_amount: amount, point_id: 'pop_life', point_currency: 'EUR', service } } });

interface Payout {
  id: string;
  route: string;
  status: string;
  amount: string;
  fee: string;
  error: string | null;
}
interface Attributes {
  status: string;
  processed_amount: string;
  payouts: Payout[];
  events: { type: string; via?: string; status?: string; last_error?: string; attempt?: number; decision?: { route: string } }[];
}

describe.each(backends())('payout lifecycle on $name', (backend) => {
  let service: RunningService;
  let api: Client;
  const sims: ProviderSimulator[] = [];

  beforeAll(async () => {
    // Status queries start after 1 s: a webhook due sooner is what resolves a payout, when one is sent.
    service = await backend.serve({ pollBaseMs: 1_000, sweepMs: 50, webhooks: { pollMs: 50 } });
    api = await keyed(service, 'test');
    expect((await api.post('/v1/schemes/life/versions', { source: SCHEME })).status).toBe(201);
    await api.post('/v1/schemes/life/activate', { version: 1 });
    await api.post('/v1/payout-points', { id: 'pop_life', currencies: ['EUR'], scheme: 'life' });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(sims.map((s) => s.close()));
    await backend.cleanup();
  });

  /** Routes a_eur and b_eur at the start of a test: a balance, an outcome or a simulator, nothing used. */
  async function routes(a: { outcome?: string; sim?: SimulatorOptions }, b: { outcome?: string; sim?: SimulatorOptions } = {}) {
    const started: Record<string, ProviderSimulator> = {};
    for (const [route, r] of [['a_eur', a], ['b_eur', b]] as const) {
      await api.put(`/v1/routes/${route}`, { balance: '1000.00', test_outcome: r.outcome ?? 'success' });
      await api.delete(`/v1/routes/${route}/connector`);
      if (!r.sim) continue;
      const sim = await startSimulator({ secret: SECRET, webhookUrl: `${service.url}/v1/providers/${route}/webhooks`, ...r.sim });
      sims.push(sim);
      started[route] = sim;
      const connector = simulatorConnector(sim.url, { secret: SECRET });
      const put = await api.put(`/v1/routes/${route}/connector`, { ...connector, config: { ...connector.config, timeout_ms: 300 } });
      expect(put.status).toBe(200);
    }
    return started;
  }

  async function post(amount: string, serviceName: string): Promise<{ status: number; id: string; attributes: Attributes }> {
    const res = await api.post('/v1/payout-gateway/payout-requests', request(amount, serviceName));
    return { status: res.status, id: res.body.data.id, attributes: res.body.data.attributes };
  }

  /** The request once it is final (with its events), or as it stands after `timeoutMs`. */
  async function final(id: string, until: (a: Attributes) => boolean = (a) => a.status !== 'processing', timeoutMs = 15_000): Promise<Attributes> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const a = (await api.get(`/v1/payout-gateway/payout-requests/${id}`)).body.data.attributes as Attributes;
      if (until(a) || Date.now() > deadline) return a;
      await sleep(50);
    }
  }

  const balance = async (route: string) => (await api.get(`/v1/routes/${route}`)).body.balance as string;

  it("tells the merchant by signed webhook of the payout's success and of the request's", async () => {
    const got: { type: string; id: string; data: { id: string; attributes: { status: string } }; verified: boolean }[] = [];
    let secret = '';
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const [t, v1] = String(req.headers['sluice-signature']).split(',').map((p) => p.split('=')[1]);
        const verified = v1 === createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
        got.push({ ...(JSON.parse(body) as Omit<(typeof got)[number], 'verified'>), verified });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    try {
      const endpoint = await api.post('/v1/webhook-endpoints', { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks` });
      expect(endpoint.status).toBe(201);
      secret = endpoint.body.secret;
      await routes({ outcome: 'success' });
      const created = await post('5.00', 'a_only');
      const deadline = Date.now() + 10_000;
      while (got.length < 2 && Date.now() < deadline) await sleep(50);
      // Deliveries go out concurrently: their order is not promised.
      got.sort((a, b) => (a.type < b.type ? -1 : 1));
      expect(got.map((e) => [e.type, e.data.attributes.status, e.verified])).toEqual([
        ['payout.succeeded', 'succeeded', true],
        ['payout_request.processed', 'processed', true],
      ]);
      expect(got[1]!.data.id).toBe(created.id);
      expect(new Set(got.map((e) => e.id)).size).toBe(2);
      await api.delete(`/v1/webhook-endpoints/${endpoint.body.id}`);
    } finally {
      receiver.close();
    }
  });

  describe('with the test connector', () => {
    it('answers 202 while a payout is pending, then processes it when its status query says it succeeded', async () => {
      await routes({ outcome: 'pending:400ms' });
      const created = await post('10.00', 'a_only');
      expect(created.status).toBe(202);
      expect(created.attributes.status).toBe('processing');
      expect(created.attributes.payouts.map((p) => p.status)).toEqual(['pending']);
      // A pending payout keeps its reservation.
      expect(await balance('a_eur')).toBe('989.90');
      const done = await final(created.id);
      expect(done.status).toBe('processed');
      expect(done.payouts.map((p) => [p.route, p.status])).toEqual([['a_eur', 'succeeded']]);
      expect(await balance('a_eur')).toBe('989.90');
    });

    it('fails over when a pending payout is declined later, with the code as last_error', async () => {
      await routes({ outcome: 'pending-fail:200ms:card_blocked' });
      const done = await final((await post('10.00', 'a_then_b')).id);
      expect(done.status).toBe('processed');
      expect(done.payouts.map((p) => [p.route, p.status, p.error])).toEqual([
        ['a_eur', 'failed', 'card_blocked'],
        ['b_eur', 'succeeded', null],
      ]);
      expect(done.events.find((e) => e.type === 'failover')?.last_error).toBe('card_blocked');
      expect(await balance('a_eur')).toBe('1000.00');
      expect(await balance('b_eur')).toBe('988.00');
    });

    it('leaves a send that timed out unknown, never failing it over, until the status query says it succeeded', async () => {
      await routes({ outcome: 'timeout' });
      const created = await post('10.00', 'a_then_b');
      expect(created.attributes.payouts.map((p) => p.status)).toEqual(['unknown']);
      const done = await final(created.id);
      expect(done.status).toBe('processed');
      expect(done.payouts.map((p) => [p.route, p.status])).toEqual([['a_eur', 'succeeded']]);
      expect(await balance('b_eur')).toBe('1000.00');
    });

    it('gives the balance back when a paid payout is reversed, and the request becomes reversed', async () => {
      await routes({ outcome: 'reverse:300ms' });
      const created = await post('10.00', 'a_only');
      expect(created.status).toBe(201);
      expect(created.attributes.status).toBe('processed');
      expect(await balance('a_eur')).toBe('989.90');
      const done = await final(created.id, (a) => a.status === 'reversed');
      expect(done.status).toBe('reversed');
      expect(done.processed_amount).toBe('0.00');
      expect(done.payouts.map((p) => p.status)).toEqual(['reversed']);
      expect(done.events.map((e) => e.type).slice(-2)).toEqual(['provider_answer', 'final_status']);
      expect(await balance('a_eur')).toBe('1000.00');
    });
  });

  describe('with the http connector and the provider simulator', () => {
    it('pays a pending payout when the provider says so by webhook', async () => {
      await routes({ sim: { seed: 1, delayMs: [200, 200] } });
      const created = await post('25.00', 'a_only');
      expect(created.status).toBe(202);
      expect(created.attributes.payouts.map((p) => p.status)).toEqual(['pending']);
      const done = await final(created.id);
      expect(done.status).toBe('processed');
      const answers = done.events.filter((e) => e.type === 'provider_answer');
      expect(answers.map((e) => [e.via, e.status])).toContainEqual(['webhook', 'succeeded']);
      expect(await balance('a_eur')).toBe('974.90');
    });

    it('fails a declined payout over to the next route, with the mapped code as last_error', async () => {
      await routes({ sim: { seed: 2, declineShare: 1 } }, { sim: { seed: 3 } });
      const done = await final((await post('10.00', 'a_then_b')).id);
      expect(done.status).toBe('processed');
      expect(done.payouts.map((p) => [p.route, p.status])).toEqual([
        ['a_eur', 'failed'],
        ['b_eur', 'succeeded'],
      ]);
      const code = done.payouts[0]!.error!;
      expect(['provider_insufficient_funds', 'account_closed', 'invalid_account', 'provider_limit']).toContain(code);
      expect(done.events.find((e) => e.type === 'failover')?.last_error).toBe(code);
      expect(done.events.filter((e) => e.type === 'decision').map((e) => e.attempt)).toEqual([1, 2]);
    });

    it('pays once a send that timed out, when a status query finds the outcome', async () => {
      const { a_eur: sim } = await routes({ sim: { seed: 4, timeoutShare: 1, holdMs: 800, webhookUrl: '' } });
      const done = await final((await post('10.00', 'a_then_b')).id);
      expect(done.status).toBe('processed');
      expect(done.payouts.map((p) => [p.route, p.status])).toEqual([['a_eur', 'succeeded']]);
      const answers = done.events.filter((e) => e.type === 'provider_answer').map((e) => [e.via, e.status]);
      expect(answers).toEqual([['send', 'unknown'], ['status', 'succeeded']]);
      const ledger = sim!.ledger();
      expect(Object.keys(ledger.payouts)).toEqual([done.payouts[0]!.id]);
      expect(ledger.paid['EUR']).toBe('10.00');
      expect(await balance('a_eur')).toBe('989.90');
      expect(await balance('b_eur')).toBe('1000.00');
    });

    it('applies duplicate and out-of-order webhooks once', async () => {
      const { a_eur: sim } = await routes({ sim: { seed: 5, duplicateShare: 1, delayMs: [100, 100] } });
      const created = await post('30.00', 'a_only');
      const done = await final(created.id);
      expect(done.status).toBe('processed');
      const payout = done.payouts[0]!;
      // A stale webhook (still processing) after the payout succeeded, and the success again.
      for (const status of ['processing', 'paid', 'processing']) {
        const body = JSON.stringify({ id: payout.id, reference: `sim_${payout.id}`, status, amount: '30.00', currency: 'EUR' });
        const res = await fetch(`${service.url}/v1/providers/a_eur/webhooks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SIM_SIGNATURE_HEADER]: simSignature(SECRET, body, Math.floor(Date.now() / 1000)) },
          body,
        });
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ applied: 0 });
      }
      await sleep(300);
      const after = await final(created.id);
      expect(after.payouts.map((p) => p.status)).toEqual(['succeeded']);
      expect(after.events.filter((e) => e.type === 'provider_answer' && e.status === 'succeeded')).toHaveLength(1);
      expect(sim!.ledger().webhooks.delivered).toBe(2);
      expect(await balance('a_eur')).toBe('969.90');
    });

    it('restores the balance when the provider reverses a payout', async () => {
      await routes({ sim: { seed: 6, reverseShare: 1, delayMs: [100, 100] } });
      const created = await post('40.00', 'a_only');
      const done = await final(created.id, (a) => a.status === 'reversed');
      expect(done.status).toBe('reversed');
      expect(done.payouts.map((p) => p.status)).toEqual(['reversed']);
      expect(await balance('a_eur')).toBe('1000.00');
    });

    it('refuses a webhook whose signature does not verify, and changes nothing', async () => {
      await routes({ sim: { seed: 7 } });
      const body = JSON.stringify({ id: 'x', status: 'paid' });
      const res = await fetch(`${service.url}/v1/providers/a_eur/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIM_SIGNATURE_HEADER]: simSignature('not the secret', body, Math.floor(Date.now() / 1000)) },
        body,
      });
      expect(res.status).toBe(401);
      expect((await res.json()).type).toMatch(/invalid-signature$/);
    });

    it('rate limits a client whose webhook signatures keep failing, as it does unknown API keys', async () => {
      const limited = await backend.serve({ unknownKeyLimit: { perSecond: 1, burst: 3 } });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${limited.url}/v1/providers/a_eur/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        statuses.push(res.status);
        await res.arrayBuffer();
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    });

    it('pays a payout to a named route through the payout operation, answering 202 until it is final', async () => {
      await routes({ sim: { seed: 8, delayMs: [200, 200] } });
      const body = { data: { type: 'payout', attributes: { route: 'a_eur', amount: '12.34', currency: 'EUR', point_id: 'pop_life' } } };
      const created = await api.post('/v1/payout-gateway/payouts', body, { 'idempotency-key': 'op-1' });
      expect(created.status).toBe(202);
      expect(created.body.data).toMatchObject({ type: 'payout', attributes: { route: 'a_eur', amount: '12.34', fee: '0.10', status: 'pending' } });
      const id = created.body.data.id as string;
      const deadline = Date.now() + 10_000;
      let status = 'pending';
      while (status === 'pending' && Date.now() < deadline) {
        await sleep(50);
        status = (await api.get(`/v1/payout-gateway/payouts/${id}`)).body.data.attributes.status;
      }
      expect(status).toBe('succeeded');
      expect(await balance('a_eur')).toBe('987.56');
      const replay = await api.post('/v1/payout-gateway/payouts', body, { 'idempotency-key': 'op-1' });
      expect([replay.status, replay.body.data.id]).toEqual([201, id]);
      const reused = await api.post('/v1/payout-gateway/payouts', { data: { ...body.data, attributes: { ...body.data.attributes, amount: '1.00' } } }, { 'idempotency-key': 'op-1' });
      expect([reused.status, reused.body.type]).toEqual([422, expect.stringMatching(/idempotency-key-reused$/)]);
      expect(await balance('a_eur')).toBe('987.56');
    });
  });
});
