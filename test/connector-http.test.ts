// The http connector against the provider simulator, over real sockets: sends, status queries,
// signed webhooks to a real receiver, timeouts resolved by status, and idempotent resends.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PayoutOrder, ProviderAnswer, WebhookResult } from '../server/connectors/connector.js';
import { HttpConnector, type HttpConnectorConfig } from '../server/connectors/http.js';
import { simSignature, simulatorConnector, startSimulator, SIM_SIGNATURE_HEADER, type ProviderSimulator, type SimulatorOptions } from '../server/connectors/simulator.js';

const API_KEY = 'sk_sim_test';
const SECRET = 'whsec_test';

const order = (id: string, o: Partial<PayoutOrder> = {}): PayoutOrder => ({ id, mode: 'test', route: 'sim_eur', amount: '25.00', currency: 'EUR', reference: null, sentAt: null, ...o });

function connectorFor(sim: ProviderSimulator, change: (c: HttpConnectorConfig) => HttpConnectorConfig = (c) => c, secret = SECRET): HttpConnector {
  const put = simulatorConnector(sim.url, { apiKey: API_KEY, secret: SECRET });
  return new HttpConnector(change(put.config), { credentials: `Bearer ${API_KEY}`, webhook_secret: secret });
}

/** A real webhook endpoint: hands each delivery to `connector.webhook` and keeps the result. */
class Receiver {
  readonly results: WebhookResult[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];
  private server!: Server;
  url = '';
  connector?: HttpConnector;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
        const result = this.connector!.webhook(headers, Buffer.concat(chunks).toString('utf8'));
        this.results.push(result);
        res.writeHead(result.ok ? 200 : 400).end();
        this.waiters = this.waiters.filter((w) => (this.results.length >= w.count ? (w.resolve(), false) : true));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/sim_eur`;
  }

  /** Resolves when `count` deliveries have arrived in all. */
  received(count: number): Promise<void> {
    return this.results.length >= count ? Promise.resolve() : new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  events() {
    return this.results.flatMap((r) => (r.ok ? r.events : []));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('http connector against the provider simulator', () => {
  const sims: ProviderSimulator[] = [];
  const receiver = new Receiver();
  const simulator = async (o: SimulatorOptions = {}) => {
    const sim = await startSimulator({ apiKey: API_KEY, secret: SECRET, seed: 7, ...o });
    sims.push(sim);
    return sim;
  };

  beforeAll(() => receiver.start());
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.close()));
    receiver.results.length = 0;
  });
  afterAll(() => receiver.close());

  it('sends a payout the provider accepts, and reads its final status by query', async () => {
    const sim = await simulator({ delayMs: [60_000, 60_000] });
    const c = connectorFor(sim);
    const sent = await c.send(order('po_1'));
    expect(sent).toEqual({ kind: 'accepted', reference: 'sim_1' });
    expect(await c.status(order('po_1', { reference: 'sim_1' }))).toEqual({ kind: 'accepted', reference: 'sim_1' });
    const paid = await simulator();
    expect(await connectorFor(paid).send(order('po_2'))).toEqual({ kind: 'succeeded', reference: 'sim_1' });
  });

  it('maps a decline to the gateway code the configuration names', async () => {
    const sim = await simulator({ declineShare: 1 });
    const answer = await connectorFor(sim).send(order('po_d'));
    const simCode = sim.ledger().payouts['po_d']!.code!;
    const expected = simulatorConnector(sim.url, { secret: SECRET }).config.codes![simCode];
    expect(answer).toEqual({ kind: 'failed', code: expected, reference: 'sim_1' });
  });

  it('pays a payout sent three times once', async () => {
    const sim = await simulator();
    const c = connectorFor(sim);
    const answers = await Promise.all([c.send(order('po_dup')), c.send(order('po_dup')), c.send(order('po_dup'))]);
    expect(answers.every((a) => a.kind === 'succeeded')).toBe(true);
    const ledger = sim.ledger();
    expect(ledger.payouts['po_dup']).toMatchObject({ sends: 3, status: 'paid' });
    expect(ledger.paid).toEqual({ EUR: '25.00' });
  });

  it('answers unknown when the provider holds the send past the timeout, and the status query then resolves it', async () => {
    const sim = await simulator({ timeoutShare: 1, holdMs: 3_600_000 });
    const c = connectorFor(sim, (cfg) => ({ ...cfg, timeout_ms: 200 }));
    const ids = Array.from({ length: 8 }, (_, i) => `po_t${i}`);
    const sends = await Promise.all(ids.map((id) => c.send(order(id))));
    expect(sends.map((a) => a.kind)).toEqual(ids.map(() => 'unknown'));
    const ledger = sim.ledger();
    const statuses = await Promise.all(ids.map((id) => c.status(order(id))));
    // Recorded ones are paid; lost ones the provider never had (safe to send again).
    ids.forEach((id, i) => expect(statuses[i]!.kind).toBe(ledger.payouts[id] ? 'succeeded' : 'not_found'));
    expect(new Set(statuses.map((s) => s.kind))).toEqual(new Set(['succeeded', 'not_found']));
  });

  it('verifies and reads signed webhooks, duplicates and reversals included', async () => {
    const sim = await simulator({ webhookUrl: receiver.url, duplicateShare: 1, reverseShare: 1 });
    receiver.connector = connectorFor(sim);
    expect(await receiver.connector.send(order('po_w'))).toEqual({ kind: 'succeeded', reference: 'sim_1' });
    // paid, reversed, and a second delivery of each.
    await receiver.received(4);
    expect(receiver.results.every((r) => r.ok)).toBe(true);
    const kinds = receiver.events().map((e) => `${e.payoutId}/${e.reference}/${e.answer.kind}`);
    expect(kinds.sort()).toEqual(['po_w/sim_1/reversed', 'po_w/sim_1/reversed', 'po_w/sim_1/succeeded', 'po_w/sim_1/succeeded']);
    expect(await receiver.connector.status(order('po_w'))).toEqual({ kind: 'reversed', reference: 'sim_1' });
    expect(sim.ledger()).toMatchObject({ paid: {}, reversed: { EUR: '25.00' }, payouts: { po_w: { status: 'reversed', reversed: true } } });
  });

  it('rejects a webhook signed with another secret, and one whose body was changed', async () => {
    const sim = await simulator();
    const c = connectorFor(sim);
    const body = JSON.stringify({ id: 'po_x', reference: 'sim_9', status: 'paid' });
    const now = Math.floor(Date.now() / 1000);
    const good = { [SIM_SIGNATURE_HEADER]: simSignature(SECRET, body, now) };
    expect(c.webhook(good, body)).toEqual({ ok: true, events: [{ payoutId: 'po_x', reference: 'sim_9', answer: { kind: 'succeeded', reference: 'sim_9' } }] });
    expect(c.webhook({ [SIM_SIGNATURE_HEADER]: simSignature('whsec_other', body, now) }, body).ok).toBe(false);
    expect(c.webhook(good, body.replace('paid', 'reversed')).ok).toBe(false);
    expect(c.webhook({}, body).ok).toBe(false);
    // A replay of a signature older than the tolerance.
    expect(c.webhook({ [SIM_SIGNATURE_HEADER]: simSignature(SECRET, body, now - 301) }, body).ok).toBe(false);
    expect(c.webhook(good, body).ok).toBe(true);
  });

  it('checks the plain hex scheme too, and skips events whose status it does not map', async () => {
    const sim = await simulator();
    const c = connectorFor(sim, (cfg) => ({ ...cfg, webhook: { signature_header: 'X-Signature', scheme: 'hmac-sha256-hex', events: 'data', payout_id: 'id' } }));
    const body = JSON.stringify({
      data: [
        { id: 'a', reference: 'r1', status: 'declined', code: 'account_closed' },
        { id: 'b', status: 'on_hold' },
        { reference: 'r3', status: 'paid', processed: '7.50' },
      ],
    });
    const signature = createHmac('sha256', SECRET).update(body).digest('hex');
    expect(c.webhook({ 'x-signature': signature }, body)).toEqual({
      ok: true,
      events: [
        { payoutId: 'a', reference: 'r1', answer: { kind: 'failed', code: 'account_closed', reference: 'r1' } },
        { reference: 'r3', answer: { kind: 'succeeded', reference: 'r3', processed: '7.50' } },
      ],
    });
    expect(c.webhook({ 'x-signature': signature.replace(/.$/, (d) => (d === '0' ? '1' : '0')) }, body).ok).toBe(false);
    expect(c.webhook({ 'x-signature': signature }, 'not json').ok).toBe(false);
  });

  it('sends hostile values JSON-escaped in the body and URL-encoded in the path', async () => {
    const sim = await simulator();
    const c = connectorFor(sim);
    const id = 'po "quoted" \\ {{amount}} /../?x=1&y';
    expect((await c.send(order(id))).kind).toBe('succeeded');
    expect(Object.keys(sim.ledger().payouts)).toEqual([id]);
    expect(await c.status(order(id))).toEqual({ kind: 'succeeded', reference: 'sim_1' });
  });

  it('reads a processed amount below the amount asked, and ignores one that is not', async () => {
    const answers = ['"10.00"', '25', '"1e1"', '-1'];
    const provider = createServer((_, res) => res.writeHead(200).end(`{"status":"paid","reference":"p1","processed":${answers.shift()}}`));
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    const c = new HttpConnector(simulatorConnector(`http://127.0.0.1:${(provider.address() as AddressInfo).port}`).config, {});
    const got = [];
    for (let i = 0; i < 4; i++) got.push(await c.send(order(`po_p${i}`)));
    provider.close();
    expect(got).toEqual([
      { kind: 'succeeded', reference: 'p1', processed: '10.00' },
      { kind: 'succeeded', reference: 'p1' },
      { kind: 'succeeded', reference: 'p1' },
      { kind: 'succeeded', reference: 'p1' },
    ]);
  });

  it('answers not_found for a payout the provider never had', async () => {
    const sim = await simulator();
    expect(await connectorFor(sim).status(order('po_never'))).toEqual({ kind: 'not_found' });
  });

  it('fails a send the provider refuses (4xx) with the mapped code, and never fails on a 5xx', async () => {
    const sim = await simulator({ maxPayouts: 0 });
    const wrongKey = new HttpConnector({ ...simulatorConnector(sim.url, { apiKey: API_KEY }).config, codes: { unauthorized: 'provider_auth' } }, { credentials: 'Bearer nope' });
    expect(await wrongKey.send(order('po_k'))).toEqual({ kind: 'failed', code: 'provider_auth' });
    expect(await connectorFor(sim).send(order('po_k', { currency: 'ZZZ' }))).toEqual({ kind: 'failed', code: 'provider_declined' });
    // 503: the simulator is full.
    expect(await connectorFor(sim).send(order('po_k'))).toMatchObject({ kind: 'unknown', reason: 'the provider answered 503' });
  });

  it('answers unknown for a status it does not map, a refused connection and an answer too large to read', async () => {
    const sim = await simulator();
    const unmapped = connectorFor(sim, (cfg) => ({ ...cfg, statuses: { processing: 'accepted' } }));
    expect(await unmapped.send(order('po_u'))).toMatchObject({ kind: 'unknown' });
    const closed = await simulator();
    const url = closed.url;
    await closed.close();
    expect(await new HttpConnector(simulatorConnector(url).config, {}).send(order('po_c'))).toMatchObject({ kind: 'unknown', reason: 'the request failed (ECONNREFUSED)' });
    const big = createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(`{"status":"paid","pad":"${'x'.repeat(2 << 20)}"}`));
    await new Promise<void>((resolve) => big.listen(0, '127.0.0.1', resolve));
    const bigUrl = `http://127.0.0.1:${(big.address() as AddressInfo).port}`;
    const answer: ProviderAnswer = await new HttpConnector(simulatorConnector(bigUrl).config, {}).send(order('po_big'));
    big.close();
    expect(answer).toEqual({ kind: 'unknown', reason: 'the answer was over 1048576 bytes' });
  });
});
