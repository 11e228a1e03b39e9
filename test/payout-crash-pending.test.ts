// A crash with payouts out: `sluice serve` is killed (SIGKILL) while its payouts wait at a real
// provider (the simulator, answering after 1–2 s), then restarted. The restarted service asks the
// provider for each payout's status, and every request ends with each amount paid once.
import { afterAll, describe, expect, it } from 'vitest';
import { simulatorConnector, startSimulator, type ProviderSimulator } from '../server/connectors/simulator.js';
import { api, serveProcess, serveTargets, type ServeProcess } from './support/process.js';

const ADMIN = 'sk_admin_crash_pending';
const SCHEME = `scheme pend
mode test
route prov_eur EUR fee 0.20

service payout {
  cost prov_eur
}
`;
const N = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(serveTargets())('a crash with payouts pending on $name', (target) => {
  let sim: ProviderSimulator | undefined;
  afterAll(async () => {
    await sim?.close();
    await target.cleanup();
  });

  it('resumes after a restart and pays each amount once', async () => {
    // Its webhooks go nowhere: only status queries can tell the restarted service what happened.
    sim = await startSimulator({ seed: 99, delayMs: [1_000, 2_000], timeoutShare: 0.2, holdMs: 1_000 });
    const env = { ...(await target.env()), SLUICE_ADMIN_KEY: ADMIN, SLUICE_RECOVERY_AFTER_MS: '500', SLUICE_POLL_BASE_MS: '200' };
    const first = await serveProcess(env);
    let second: ServeProcess | undefined;
    try {
      const key = (await api(first.url, ADMIN, 'POST', '/v1/api-keys', { mode: 'test' })).body.key as string;
      await api(first.url, key, 'POST', '/v1/schemes/pend/versions', { source: SCHEME });
      await api(first.url, key, 'POST', '/v1/schemes/pend/activate', { version: 1 });
      await api(first.url, key, 'POST', '/v1/payout-points', { id: 'pop_pend', currencies: ['EUR'], scheme: 'pend' });
      await api(first.url, key, 'PUT', '/v1/routes/prov_eur', { balance: '10000.00' });
      const connector = simulatorConnector(sim.url);
      expect((await api(first.url, key, 'PUT', '/v1/routes/prov_eur/connector', { ...connector, config: { ...connector.config, timeout_ms: 500 } })).status).toBe(200);
      const answers = await Promise.all(
        Array.from({ length: N }, (_, i) =>
          api(first.url, key, 'POST', '/v1/payout-gateway/payout-requests', {
            data: { type: 'payout-request', attributes: { point_amount: `${10 + i}.00`, point_id: 'pop_pend', point_currency: 'EUR', service: 'payout' } },
          }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(N).fill(202));
      first.child.kill('SIGKILL');
      second = await serveProcess(env);
      const ids = answers.map((a) => a.body.data.id as string);
      const deadline = Date.now() + 60_000;
      let finals: { status: string; payouts: { id: string; status: string; amount: string }[] }[] = [];
      do {
        await sleep(200);
        finals = await Promise.all(ids.map(async (id) => (await api(second!.url, key, 'GET', `/v1/payout-gateway/payout-requests/${id}`)).body.data.attributes));
      } while (finals.some((f) => f.status === 'processing') && Date.now() < deadline);
      const ledger = sim.ledger();
      let debited = 0;
      for (const [i, f] of finals.entries()) {
        expect({ i, status: f.status, payouts: f.payouts.map((p) => [p.status, p.amount]) }).toEqual({ i, status: 'processed', payouts: [['succeeded', `${10 + i}.00`]] });
        expect(ledger.payouts[f.payouts[0]!.id]?.status).toBe('paid');
        debited += 10 + i;
      }
      expect(Object.keys(ledger.payouts)).toHaveLength(N);
      expect(ledger.paid['EUR']).toBe(`${(10 * N + (N * (N - 1)) / 2).toFixed(2)}`);
      const balance = (await api(second.url, key, 'GET', '/v1/routes/prov_eur')).body.balance;
      expect(balance).toBe((10_000 - debited - 0.2 * N).toFixed(2));
    } finally {
      first.child.kill('SIGKILL');
      second?.child.kill('SIGTERM');
    }
  }, 120_000);
});
