// Fenced runs: one runner drives a payout request at a time. A runner that stalls past its lease
// is taken over, and the stalled one stops without writing: every amount is paid once.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { dropLease, holdLease, LeaseLost, takeLease } from '../server/lease.js';
import { backends, Client, keyed, type Backend } from './support/service.js';

const SCHEME = `scheme fenced
mode test
route solo_eur EUR fee 1.00

service solo {
  optimal solo_eur
}
`;

const request = (amount: string) => ({ data: { type: 'payout-request', attributes: { point_amount: amount, point_id: 'pop_f', point_currency: 'EUR', service: 'solo' } } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setUp(api: Client, balance: string): Promise<void> {
  expect((await api.post('/v1/schemes/fenced/versions', { source: SCHEME })).status).toBe(201);
  await api.post('/v1/schemes/fenced/activate', { version: 1 });
  await api.post('/v1/payout-points', { id: 'pop_f', currencies: ['EUR'], scheme: 'fenced' });
  await api.put('/v1/routes/solo_eur', { balance });
}

/** Polls until every listed request is final; returns them. */
async function allFinal(api: Client, ids: readonly string[], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await Promise.all(ids.map(async (id) => (await api.get(`/v1/payout-gateway/payout-requests/${id}`)).body.data.attributes));
    if (got.every((a) => a.status !== 'processing') || Date.now() > deadline) return got;
    await sleep(100);
  }
}

describe.each(backends())('leases on $name', (backend) => {
  afterAll(() => backend.cleanup());

  it('refuses every write of a runner whose lease another runner took', async () => {
    const service = await backend.open();
    const api = await keyed(service, 'test');
    await setUp(api, '100.00');
    const db = service.store.db;
    const created = await api.post('/v1/payout-gateway/payout-requests', request('1.00'));
    const id = created.body.data.id as string;
    // A finished request is never leased again; put it back to processing to lease it by hand.
    await db.updateTable('payout_requests').set({ status: 'processing' }).where('id', '=', id).execute();
    const t0 = new Date('2030-01-01T00:00:00Z');
    const first = (await takeLease(db, id, t0, 1_000))!;
    expect(first).toBeDefined();
    expect(await takeLease(db, id, new Date(t0.getTime() + 500), 1_000)).toBeUndefined();
    const second = (await takeLease(db, id, new Date(t0.getTime() + 1_500), 1_000))!;
    expect(second.fence).toBe(first.fence + 1);
    await expect(db.transaction().execute((trx) => holdLease(trx, first, new Date(t0.getTime() + 1_600), 1_000))).rejects.toBeInstanceOf(LeaseLost);
    await db.transaction().execute((trx) => holdLease(trx, second, new Date(t0.getTime() + 1_600), 1_000));
    // The first runner's drop changes nothing: the lease is the second's.
    await dropLease(db, first, new Date(t0.getTime() + 1_700));
    const row = await db.selectFrom('payout_requests').select(['fence', 'lease_owner']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ fence: second.fence, lease_owner: second.owner });
  });
});

const postgres = backends().find((b): b is Backend & { postgres: NonNullable<Backend['postgres']> } => b.postgres !== undefined);

describe.skipIf(!postgres)('fenced runs on PostgreSQL', () => {
  afterAll(() => postgres?.cleanup());

  it('pays once when a runner stalls on a row lock past its lease and another instance takes its request over', async () => {
    const a = await postgres!.open({ recoverAfterMs: 400, sweepMs: 100 });
    await postgres!.open({ recoverAfterMs: 400, sweepMs: 100 });
    const api = await keyed(a, 'test');
    await setUp(api, '1000.00');
    const client = new pg.Client({ connectionString: postgres!.postgres.url });
    await client.connect();
    const schema = pg.escapeIdentifier(postgres!.postgres.schema);
    try {
      await client.query('begin');
      await client.query(`select * from ${schema}.routes where route = 'solo_eur' for update`);
      const answer = api.post('/v1/payout-gateway/payout-requests', request('10.00'));
      // The runner on A waits on the row lock, inside its reservation, well past its 400 ms lease.
      await sleep(2_500);
      await client.query('commit');
      const created = await answer;
      expect([201, 202]).toContain(created.status);
      const id = created.body.data.id as string;
      const [final] = await allFinal(api, [id]);
      expect(final.status).toBe('processed');
      expect(final.payouts.map((p: { status: string; amount: string }) => [p.status, p.amount])).toEqual([['succeeded', '10.00']]);
      const payouts = await client.query(`select count(*)::int as n from ${schema}.payouts where payout_request_id = $1`, [id]);
      expect(payouts.rows[0].n).toBe(1);
    } finally {
      await client.end();
    }
    expect((await api.get('/v1/routes/solo_eur')).body.balance).toBe('989.00');
  }, 60_000);

  it('pays each of 300 concurrent requests exactly once with two instances racing on a 300 ms lease', async () => {
    const a = await postgres!.open({ recoverAfterMs: 300, sweepMs: 50 });
    const b = await postgres!.open({ recoverAfterMs: 300, sweepMs: 50 });
    const onA = await keyed(a, 'test');
    const onB = new Client(b, onA.key);
    await onA.post('/v1/schemes/fenced2/versions', { source: SCHEME.replace('scheme fenced', 'scheme fenced2') });
    await onA.post('/v1/schemes/fenced2/activate', { version: 1 });
    await onA.post('/v1/payout-points', { id: 'pop_f2', currencies: ['EUR'], scheme: 'fenced2' });
    await onA.put('/v1/routes/solo_eur', { balance: '100000.00' });
    const body = (i: number) => ({ data: { type: 'payout-request', attributes: { point_amount: `${10 + (i % 7)}.00`, point_id: 'pop_f2', point_currency: 'EUR', service: 'solo' } } });
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => (i % 2 ? onA : onB).post('/v1/payout-gateway/payout-requests', body(i))));
    expect(answers.filter((r) => r.status !== 201 && r.status !== 202).map((r) => [r.status, r.body])).toEqual([]);
    const finals = await allFinal(onA, answers.map((r) => r.body.data.id as string));
    let debited = 0;
    for (const [i, f] of finals.entries()) {
      const paid = f.payouts.filter((p: { status: string }) => p.status === 'succeeded');
      expect({ i, status: f.status, paid: paid.map((p: { amount: string }) => p.amount) }).toEqual({ i, status: 'processed', paid: [`${10 + (i % 7)}.00`] });
      debited += 10 + (i % 7) + 1;
    }
    expect((await onA.get('/v1/routes/solo_eur')).body.balance).toBe(`${100000 - debited}.00`);
  }, 120_000);
});
