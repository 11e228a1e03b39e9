// Chaos on PostgreSQL: 500 payout requests through four service instances on one database, two
// routes whose providers (simulators, fixed seeds) answer late, time out, lose sends, repeat and
// reorder webhooks, decline and reverse. Every request must end, nothing may be paid twice, and
// every route's balance must equal its start minus what its provider paid plus fees.
import { afterAll, describe, expect, it } from 'vitest';
import { simulatorConnector, startSimulator, type ProviderSimulator } from '../server/connectors/simulator.js';
import type { RunningService } from '../server/start.js';
import { backends, Client, keyed, type Backend } from './support/service.js';

const SCHEME = `scheme chaos
mode test
attempts 3

route r1_eur EUR fee 0.30
route r2_eur EUR fee 1.5%

service payout {
  cost r1_eur, r2_eur
}
`;

const ROUTES = ['r1_eur', 'r2_eur'] as const;
const START = 1_000_000n;
const SECRET = 'whsec_chaos';
const REQUESTS = 500;
const CONCURRENCY = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cents = (text: string): bigint => {
  const [whole, frac = ''] = text.split('.');
  return BigInt(whole!) * 100n + BigInt(frac.padEnd(2, '0').slice(0, 2));
};

const postgres = backends().find((b): b is Backend & { postgres: NonNullable<Backend['postgres']> } => b.postgres !== undefined);

describe.skipIf(!postgres)('payout chaos on PostgreSQL', () => {
  const sims: ProviderSimulator[] = [];
  afterAll(async () => {
    await Promise.all(sims.map((s) => s.close()));
    await postgres?.cleanup();
  });

  it('ends every request, pays no amount twice, and leaves each balance at start − paid − fees', async () => {
    const started = Date.now();
    const instances: RunningService[] = [];
    // A lease (400 ms) shorter than a send's timeout (500 ms): runners waiting on a silent provider are taken over.
    for (let i = 0; i < 4; i++) instances.push(await postgres!.serve({ recoverAfterMs: 400, sweepMs: 100, pollBaseMs: 200, webhooks: { pollMs: 60_000 } }));
    const first = await keyed(instances[0]!, 'test');
    const clients = instances.map((s) => new Client(s, first.key));
    expect((await first.post('/v1/schemes/chaos/versions', { source: SCHEME })).status).toBe(201);
    await first.post('/v1/schemes/chaos/activate', { version: 1 });
    await first.post('/v1/payout-points', { id: 'pop_chaos', currencies: ['EUR'], scheme: 'chaos' });
    for (const [i, route] of ROUTES.entries()) {
      // Each route's provider sends its webhooks to another instance.
      const sim = await startSimulator({
        seed: 20261202 + i,
        secret: SECRET,
        webhookUrl: `${instances[i + 1]!.url}/v1/providers/${route}/webhooks`,
        delayMs: [0, 300],
        holdMs: 1_500,
        timeoutShare: 0.1,
        duplicateShare: 0.3,
        reverseShare: 0.05,
        declineShare: 0.15,
      });
      sims.push(sim);
      const connector = simulatorConnector(sim.url, { secret: SECRET });
      expect((await first.put(`/v1/routes/${route}/connector`, { ...connector, config: { ...connector.config, timeout_ms: 500 } })).status).toBe(200);
      await first.put(`/v1/routes/${route}`, { balance: `${START}.00` });
    }

    const amount = (i: number) => `${1 + (i % 97)}.${String(i % 100).padStart(2, '0')}`;
    const ids: string[] = [];
    for (let at = 0; at < REQUESTS; at += CONCURRENCY) {
      const batch = Array.from({ length: Math.min(CONCURRENCY, REQUESTS - at) }, (_, k) => at + k);
      const answers = await Promise.all(
        batch.map((i) =>
          clients[i % 4]!.post('/v1/payout-gateway/payout-requests', {
            data: { type: 'payout-request', attributes: { point_amount: amount(i), point_id: 'pop_chaos', point_currency: 'EUR', service: 'payout' } },
          }),
        ),
      );
      expect(answers.filter((a) => a.status !== 201 && a.status !== 202).map((a) => [a.status, a.body])).toEqual([]);
      ids.push(...answers.map((a) => a.body.data.id as string));
    }

    // Until every request is final, no payout is still out, and every reversal the providers made is known.
    const db = instances[0]!.store.db;
    const settled = async (): Promise<boolean> => {
      const open = await db.selectFrom('payout_requests').select('id').where('status', '=', 'processing').limit(1).execute();
      const out = await db.selectFrom('payouts').select('id').where('status', 'in', ['created', 'sent', 'pending', 'unknown']).limit(1).execute();
      const reversedAtSim = sims.reduce((n, s) => n + Object.values(s.ledger().payouts).filter((p) => p.status === 'reversed').length, 0);
      const reversedHere = (await db.selectFrom('payouts').select('id').where('status', '=', 'reversed').execute()).length;
      return open.length === 0 && out.length === 0 && reversedAtSim === reversedHere;
    };
    const deadline = Date.now() + 120_000;
    while (!(await settled()) && Date.now() < deadline) await sleep(250);
    expect(await settled()).toBe(true);

    const requests = await db.selectFrom('payout_requests').selectAll().execute();
    const payouts = await db.selectFrom('payouts').selectAll().execute();
    expect(requests).toHaveLength(REQUESTS);
    const ledger = Object.assign({}, ...sims.map((s) => s.ledger().payouts)) as Record<string, { amount: string; status: string; sends: number }>;

    // Each payout's status is its provider's, and the provider paid each payout id at most once.
    for (const p of payouts) {
      const sim = ledger[p.id];
      const expected = { succeeded: 'paid', failed: 'declined', reversed: 'reversed' }[p.status as 'succeeded' | 'failed' | 'reversed'];
      expect({ payout: p.id, ours: p.status, provider: sim?.status, amount: sim?.amount }).toEqual({ payout: p.id, ours: p.status, provider: expected, amount: p.amount });
    }
    expect(Object.keys(ledger).length).toBe(payouts.length);

    // No request paid more than its amount; a processed one paid all of it unless money came back.
    const byRequest = new Map<string, typeof payouts>();
    for (const p of payouts) byRequest.set(p.payout_request_id!, [...(byRequest.get(p.payout_request_id!) ?? []), p]);
    const statuses: Record<string, number> = {};
    for (const r of requests) {
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      expect(['processed', 'failed', 'reversed']).toContain(r.status);
      const mine = byRequest.get(r.id) ?? [];
      const paid = mine.filter((p) => p.status === 'succeeded').reduce((s, p) => s + cents(p.request_amount), 0n);
      const came = mine.filter((p) => p.status === 'reversed').reduce((s, p) => s + cents(p.request_amount), 0n);
      const asked = cents(String(r.attributes['point_amount']));
      expect(paid + came).toBeLessThanOrEqual(asked);
      if (r.status === 'processed') expect(paid + came).toBe(asked);
    }

    // Each route's balance: its start, less what its provider paid and did not reverse, less fees.
    for (const route of ROUTES) {
      const kept = payouts.filter((p) => p.route === route && p.status === 'succeeded');
      const providerPaid = kept.reduce((s, p) => s + cents(ledger[p.id]!.amount), 0n);
      const fees = kept.reduce((s, p) => s + cents(p.fee), 0n);
      const balance = (await first.get(`/v1/routes/${route}`)).body.balance as string;
      expect({ route, balance: cents(balance) }).toEqual({ route, balance: START * 100n - providerPaid - fees });
    }

    const takenOver = requests.filter((r) => r.fence > 1).length;
    const sends = Object.values(ledger).reduce((n, p) => n + p.sends, 0);
    const hooks = sims.map((s) => s.ledger().webhooks.delivered).reduce((a, b) => a + b, 0);
    console.log(
      `chaos: ${REQUESTS} requests (${Object.entries(statuses).map(([k, v]) => `${v} ${k}`).join(', ')}), ${payouts.length} payouts, ` +
        `${sends} sends, ${hooks} webhooks delivered, ${takenOver} requests taken up again by a later runner (a webhook, a status query or a sweep), ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 240_000);
});
