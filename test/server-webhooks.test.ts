// Merchant webhooks out (issue 14), against a real receiver on a local socket: endpoints per mode
// with a secret shown once; events written with the change's transaction; signed deliveries that
// verify, are retried after a 500, stop after a 2xx, can be resent, and survive a restart.
import { spawn } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mode } from '../server/db/schema.js';
import { enqueueEvent, MERCHANT_EVENT_TYPES, type MerchantEventType } from '../server/outbox.js';
import type { Service } from '../server/start.js';
import { DELIVERY_DEFAULTS, retryDelay, SIGNATURE_HEADER } from '../server/webhook-delivery.js';
import { MAX_ENDPOINTS } from '../server/webhooks.js';
import { backends, keyed, type Client } from './support/service.js';

/** Retries within milliseconds, a give-up window of seconds: a day's schedule in a test's time. */
const FAST = { baseDelayMs: 40, maxDelayMs: 200, giveUpAfterMs: 5_000, pollMs: 20, timeoutMs: 2_000 };

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A merchant's receiver: answers each POST with `answer(n)` (n from 1; 0 never answers) and keeps what it got. */
class Receiver {
  readonly got: Received[] = [];
  answer: (n: number) => number = () => 200;
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        this.got.push({ headers: req.headers, body });
        const status = this.answer(this.got.length);
        if (status) res.writeHead(status, { 'content-type': 'text/plain' }).end(`answer ${this.got.length}`);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
    return this;
  }

  eventIds(): string[] {
    return this.got.map((r) => (JSON.parse(r.body) as { id: string }).id);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The receiver's check, as docs/payouts.md shows it. */
function verifies(header: string | undefined, body: string, secret: string, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts['t']);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts['v1'] ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function freePort(): Promise<number> {
  const s = createServer();
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => {
    const { port } = s.address() as AddressInfo;
    s.close(() => resolve(port));
  }));
}

async function emit(service: Service, mode: Mode, type: MerchantEventType, data: Record<string, unknown>): Promise<void> {
  await service.store.db.transaction().execute((trx) => enqueueEvent(trx, mode, type, data));
}

async function deliveries(api: Client, endpoint: string): Promise<any[]> {
  const res = await api.get(`/v1/webhook-endpoints/${endpoint}/deliveries?limit=100`);
  expect(res.status).toBe(200);
  return res.body.data;
}

describe('retry delays', () => {
  it('double from the base, stop at the cap, and jitter only downwards by at most a quarter', () => {
    const o = { baseDelayMs: 60_000, maxDelayMs: 3_600_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 8, 40, 2000].map((n) => retryDelay(n, o, () => 0))).toEqual([60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000, 3_600_000]);
    expect(retryDelay(1, o, () => 1)).toBe(45_000);
    expect(retryDelay(20, o, () => 0.999999)).toBeGreaterThanOrEqual(2_700_000);
  });

  it('keep a failing delivery retrying for at least the 24 hours the defaults promise', () => {
    // The worst case: every delay jittered to its shortest. The last attempt comes after the window.
    let elapsed = 0;
    let attempts = 1;
    while (elapsed < DELIVERY_DEFAULTS.giveUpAfterMs) elapsed += retryDelay(attempts++, DELIVERY_DEFAULTS, () => 1);
    expect(DELIVERY_DEFAULTS.giveUpAfterMs).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(attempts).toBeGreaterThan(20);
  });
});

for (const backend of backends()) {
  describe(`merchant webhooks (${backend.name})`, () => {
    let service: Service;
    let test: Client;
    let live: Client;
    let receiver: Receiver;

    beforeAll(async () => {
      service = await backend.open({ webhooks: FAST });
      test = await keyed(service, 'test');
      live = await keyed(service, 'live');
      receiver = await new Receiver().start();
    }, 120_000);
    afterAll(async () => {
      await receiver?.close();
      await backend.cleanup();
    });

    it('shows an endpoint secret once, keeps endpoints per mode, and refuses bad URLs and a 21st endpoint', async () => {
      const created = await test.post('/v1/webhook-endpoints', { url: 'https://merchant.example/hooks' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.stringMatching(/^we_/), url: 'https://merchant.example/hooks', secret: expect.stringMatching(/^whsec_/) });
      const listed = await test.get('/v1/webhook-endpoints');
      expect(listed.body.data).toContainEqual({ id: created.body.id, url: 'https://merchant.example/hooks', created_at: expect.any(String) });
      expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
      expect((await live.get('/v1/webhook-endpoints')).body.data).toEqual([]);
      expect((await live.delete(`/v1/webhook-endpoints/${created.body.id}`)).status).toBe(404);
      expect((await live.get(`/v1/webhook-endpoints/${created.body.id}/deliveries`)).status).toBe(404);

      for (const url of ['ftp://merchant.example/x', 'not a url', 'https://user:pw@merchant.example/x', '']) expect((await test.post('/v1/webhook-endpoints', { url })).status).toBe(422);
      expect((await test.post('/v1/webhook-endpoints', { url: 'https://a.example', secret: 'mine' })).status).toBe(422);

      const before = (await live.get('/v1/webhook-endpoints')).body.data.length;
      for (let i = before; i < MAX_ENDPOINTS; i++) expect((await live.post('/v1/webhook-endpoints', { url: `https://m${i}.example/` })).status).toBe(201);
      const over = await live.post('/v1/webhook-endpoints', { url: 'https://one-too-many.example/' });
      expect(over.status).toBe(409);
      for (const e of (await live.get('/v1/webhook-endpoints')).body.data) expect((await live.delete(`/v1/webhook-endpoints/${e.id}`)).status).toBe(204);
      expect((await test.delete(`/v1/webhook-endpoints/${created.body.id}`)).status).toBe(204);
      expect((await test.delete(`/v1/webhook-endpoints/${created.body.id}`)).status).toBe(404);
      const doc = (await (await service.app.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
      const paths = [
        '/v1/webhook-endpoints',
        '/v1/webhook-endpoints/{id}',
        '/v1/webhook-endpoints/{id}/deliveries',
        '/v1/webhook-endpoints/{id}/deliveries/{delivery_id}/resend',
      ];
      for (const path of paths) expect(doc.paths).toHaveProperty([path]);
    });

    it('delivers a signed event that verifies, retries after a 500 and stops after a 2xx', async () => {
      receiver.got.length = 0;
      receiver.answer = (n) => (n === 1 ? 500 : 200);
      const { id, secret } = (await test.post('/v1/webhook-endpoints', { url: receiver.url })).body;
      const data = { type: 'payout-request', id: 'pr_hooks_1', attributes: { status: 'processed', processed_amount: '10.00' } };
      await emit(service, 'test', 'payout_request.processed', data);

      const [delivered] = await until('the delivery', async () => {
        const ds = await deliveries(test, id);
        return ds[0]?.status === 'delivered' && ds;
      });
      expect(receiver.got).toHaveLength(2);
      for (const r of receiver.got) {
        expect(r.headers['content-type']).toBe('application/json');
        expect(r.headers[SIGNATURE_HEADER.toLowerCase()]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
        expect(verifies(r.headers[SIGNATURE_HEADER.toLowerCase()] as string, r.body, secret)).toBe(true);
        expect(verifies(r.headers[SIGNATURE_HEADER.toLowerCase()] as string, r.body, `${secret}x`)).toBe(false);
        expect(verifies(r.headers[SIGNATURE_HEADER.toLowerCase()] as string, r.body.replace('10.00', '99.00'), secret)).toBe(false);
      }
      const event = JSON.parse(receiver.got[0]!.body);
      expect(event).toEqual({ id: expect.stringMatching(/^evt_/), type: 'payout_request.processed', created_at: expect.any(String), data });
      // Both attempts carry the same event, byte for byte: its id is for deduplication.
      expect(receiver.got[1]!.body).toBe(receiver.got[0]!.body);
      expect(delivered).toMatchObject({
        event: { id: event.id, type: 'payout_request.processed' },
        status: 'delivered',
        attempts: 2,
        next_attempt_at: null,
        last_attempt: { status_code: 200, error: null, response: 'answer 2' },
      });
      const detail = (await test.get(`/v1/webhook-endpoints/${id}/deliveries/${delivered.id}`)).body;
      expect(detail.attempt_log.map((a: { status_code: number }) => a.status_code)).toEqual([500, 200]);
      expect(detail.payload).toEqual(event);

      // Stops after the 2xx: a later event is delivered, and the first was not sent again.
      await emit(service, 'test', 'payout.succeeded', { type: 'payout', id: 'po_2' });
      await until('the second event', async () => receiver.got.length === 3);
      expect(receiver.eventIds()).toEqual([event.id, event.id, expect.not.stringMatching(event.id)]);
      await until('the second delivery recorded', async () => (await deliveries(test, id))[0]?.status === 'delivered');
      expect((await deliveries(test, id)).map((d) => d.attempts)).toEqual([1, 2]);
      expect((await test.delete(`/v1/webhook-endpoints/${id}`)).status).toBe(204);
    });

    it('resends a delivered event on request, with the same event id', async () => {
      receiver.got.length = 0;
      receiver.answer = () => 204;
      const { id } = (await test.post('/v1/webhook-endpoints', { url: receiver.url })).body;
      await emit(service, 'test', 'payout.failed', { type: 'payout', id: 'po_3', attributes: { error: 'provider_down' } });
      const [first] = await until('the delivery', async () => {
        const ds = await deliveries(test, id);
        return ds[0]?.status === 'delivered' && ds;
      });
      const resent = await test.post(`/v1/webhook-endpoints/${id}/deliveries/${first.id}/resend`);
      expect(resent.status).toBe(200);
      expect(resent.body).toMatchObject({ id: first.id, status: 'pending' });
      await until('the resend', async () => (await deliveries(test, id))[0]?.attempts === 2);
      expect(receiver.eventIds()).toEqual([first.event.id, first.event.id]);
      expect((await live.post(`/v1/webhook-endpoints/${id}/deliveries/${first.id}/resend`)).status).toBe(404);
      expect((await test.post(`/v1/webhook-endpoints/${id}/deliveries/whd_nope/resend`)).status).toBe(404);
      expect((await test.delete(`/v1/webhook-endpoints/${id}`)).status).toBe(204);
    });

    it('writes nothing when the change rolls back, and only to endpoints of the mode', async () => {
      receiver.got.length = 0;
      receiver.answer = () => 200;
      const testEndpoint = (await test.post('/v1/webhook-endpoints', { url: receiver.url })).body.id;
      const liveEndpoint = (await live.post('/v1/webhook-endpoints', { url: `${receiver.url}?live` })).body.id;
      await expect(
        service.store.db.transaction().execute(async (trx) => {
          await enqueueEvent(trx, 'test', 'payout_request.failed', { id: 'rolled_back' });
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      await emit(service, 'live', 'payout_request.reversed', { id: 'pr_live' });
      await until('the live delivery', async () => (await deliveries(live, liveEndpoint))[0]?.status === 'delivered');
      expect(await deliveries(test, testEndpoint)).toEqual([]);
      expect(receiver.got.map((r) => JSON.parse(r.body).data.id)).toEqual(['pr_live']);
      await test.delete(`/v1/webhook-endpoints/${testEndpoint}`);
      await live.delete(`/v1/webhook-endpoints/${liveEndpoint}`);
    });

    it('records an unreachable receiver as an error and keeps retrying; deleting the endpoint cancels it', async () => {
      const closed = await new Receiver().start();
      await closed.close();
      const { id } = (await test.post('/v1/webhook-endpoints', { url: closed.url })).body;
      await emit(service, 'test', 'payout.reversed', { id: 'po_4' });
      const [d] = await until('two failed attempts', async () => {
        const ds = await deliveries(test, id);
        return ds[0]?.attempts >= 2 && ds;
      });
      expect(d).toMatchObject({ status: 'pending', last_attempt: { status_code: null, error: 'ECONNREFUSED' } });
      expect(d.next_attempt_at).not.toBeNull();
      expect((await test.delete(`/v1/webhook-endpoints/${id}`)).status).toBe(204);
      const left = await service.store.db.selectFrom('webhook_deliveries').select(['status', 'next_attempt_at']).where('id', '=', d.id).executeTakeFirstOrThrow();
      expect(left).toEqual({ status: 'cancelled', next_attempt_at: null });
      const secret = await service.store.db.selectFrom('webhook_endpoints').select('secret').where('id', '=', id).executeTakeFirstOrThrow();
      expect(secret.secret).toBe('');
    });

    it("runs docs/payouts.md's Node receiver: it verifies a delivery, refuses forged and stale signatures, and reports a resend as a duplicate", async () => {
      const doc = readFileSync(join(import.meta.dirname, '..', 'docs', 'payouts.md'), 'utf8');
      const code = /```js\n([\s\S]*?)```/.exec(doc.split('### Verifying in Node')[1] ?? '')?.[1];
      expect(code).toContain('timingSafeEqual');
      const dir = mkdtempSync(join(tmpdir(), 'sluice-receiver-'));
      writeFileSync(join(dir, 'receiver.mjs'), code!);
      const port = await freePort();
      const { id, secret } = (await test.post('/v1/webhook-endpoints', { url: `http://127.0.0.1:${port}/` })).body;
      const child = spawn(process.execPath, [join(dir, 'receiver.mjs')], { env: { ...process.env, SLUICE_WEBHOOK_SECRET: secret, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      try {
        await until('the receiver to listen', async () => out.includes(`listening on port ${port}`));
        await emit(service, 'test', 'payout_request.processed', { type: 'payout-request', id: 'pr_doc' });
        const [d] = await until('the delivery', async () => {
          const ds = await deliveries(test, id);
          return ds[0]?.status === 'delivered' && ds;
        });
        expect(out).toContain(`payout_request.processed ${d.event.id} for pr_doc`);
        const body = JSON.stringify({ id: 'evt_forged', type: 'payout.succeeded', created_at: new Date().toISOString(), data: { id: 'po_x' } });
        const now = Math.floor(Date.now() / 1000);
        const post = (header: string) => fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'sluice-signature': header }, body }).then((r) => r.status);
        expect(await post(`t=${now},v1=${createHmac('sha256', 'whsec_wrong').update(`${now}.${body}`).digest('hex')}`)).toBe(400);
        expect(await post(`t=${now - 600},v1=${createHmac('sha256', secret).update(`${now - 600}.${body}`).digest('hex')}`)).toBe(400);
        expect(await post('')).toBe(400);
        expect(await post(`t=${now},v1=${createHmac('sha256', secret).update(`${now}.${body}`).digest('hex')}`)).toBe(200);
        expect((await test.post(`/v1/webhook-endpoints/${id}/deliveries/${d.id}/resend`)).status).toBe(200);
        await until('the duplicate', async () => out.includes(`duplicate ${d.event.id}`));
      } finally {
        child.kill();
        rmSync(dir, { recursive: true, force: true });
        await test.delete(`/v1/webhook-endpoints/${id}`);
      }
    });

    it('gives up once the retry window has passed, and a resend opens a new one', async () => {
      receiver.got.length = 0;
      receiver.answer = () => 503;
      const { id } = (await test.post('/v1/webhook-endpoints', { url: receiver.url })).body;
      await emit(service, 'test', 'payout.failed', { id: 'po_never' });
      const [d] = await until('the delivery to fail', async () => {
        const ds = await deliveries(test, id);
        return ds[0]?.status === 'failed' && ds;
      });
      const log = (await test.get(`/v1/webhook-endpoints/${id}/deliveries/${d.id}`)).body.attempt_log as { at: string; status_code: number }[];
      expect(d.next_attempt_at).toBeNull();
      expect(log.length).toBe(d.attempts);
      expect(log.every((a) => a.status_code === 503)).toBe(true);
      // The last attempt came after the window: retries went on for all of it.
      expect(Date.parse(log.at(-1)!.at) - Date.parse(d.created_at)).toBeGreaterThanOrEqual(FAST.giveUpAfterMs);
      const sent = receiver.got.length;
      receiver.answer = () => 200;
      await test.post(`/v1/webhook-endpoints/${id}/deliveries/${d.id}/resend`);
      await until('the resent delivery', async () => (await deliveries(test, id))[0]?.status === 'delivered');
      expect(receiver.got.length).toBe(sent + 1);
      await test.delete(`/v1/webhook-endpoints/${id}`);
    }, 30_000);

    it('bounds an attempt: a receiver that never answers times out, and only the start of a long answer is read', async () => {
      const silent = createServer(() => {});
      const huge = createServer((_req, res) => res.writeHead(200).end('x'.repeat(5 * 1024 * 1024)));
      const urls: string[] = [];
      for (const s of [silent, huge]) {
        await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
        urls.push(`http://127.0.0.1:${(s.address() as AddressInfo).port}/`);
      }
      try {
        const slow = (await test.post('/v1/webhook-endpoints', { url: urls[0] })).body.id;
        const long = (await test.post('/v1/webhook-endpoints', { url: urls[1] })).body.id;
        await emit(service, 'test', 'payout.succeeded', { id: 'po_bounds' });
        const [timedOut] = await until('the timeout', async () => {
          const ds = await deliveries(test, slow);
          return ds[0]?.attempts >= 1 && ds;
        });
        expect(timedOut.last_attempt).toMatchObject({ status_code: null, error: `no answer within ${FAST.timeoutMs} ms` });
        const [read] = await until('the long answer', async () => {
          const ds = await deliveries(test, long);
          return ds[0]?.status === 'delivered' && ds;
        });
        expect(read.last_attempt.response).toBe('x'.repeat(1024));
        await test.delete(`/v1/webhook-endpoints/${slow}`);
        await test.delete(`/v1/webhook-endpoints/${long}`);
      } finally {
        for (const s of [silent, huge]) {
          s.closeAllConnections();
          s.close();
        }
      }
    });

    it('defines each event type once', () => {
      expect(new Set(MERCHANT_EVENT_TYPES).size).toBe(6);
    });
  });
}

describe.skipIf(!process.env['TEST_DATABASE_URL'])('two instances on one PostgreSQL database', () => {
  it('share the deliveries and never send one twice', async () => {
    const backend = backends().find((b) => b.name === 'PostgreSQL')!;
    const receiver = await new Receiver().start();
    try {
      const [a, b] = [await backend.open({ webhooks: FAST }), await backend.open({ webhooks: FAST })];
      const api = await keyed(a, 'test');
      const { id } = (await api.post('/v1/webhook-endpoints', { url: receiver.url })).body;
      const n = 60;
      for (let i = 0; i < n; i++) await emit(i % 2 ? a : b, 'test', 'payout.succeeded', { id: `po_${i}` });
      await until('every delivery', async () => (await deliveries(api, id)).filter((d) => d.status === 'delivered').length === n);
      const ids = receiver.eventIds();
      expect(ids).toHaveLength(n);
      expect(new Set(ids).size).toBe(n);
    } finally {
      await receiver.close();
      await backend.cleanup();
    }
  }, 60_000);
});

describe('a delivery survives a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-hooks-'));
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const backend of backends()) {
    it(`is retried by the next instance after a 500 and delivered (${backend.name})`, async () => {
      receiver.got.length = 0;
      receiver.answer = () => 500;
      // Long enough that the first instance is closed before it would retry.
      const options = { webhooks: { ...FAST, baseDelayMs: 1_500, maxDelayMs: 1_500 }, dataDir: join(dir, backend.name) };
      const first = await backend.open(options);
      const api = await keyed(first, 'test');
      const { id, secret } = (await api.post('/v1/webhook-endpoints', { url: receiver.url })).body;
      await emit(first, 'test', 'payout_request.processed', { id: 'pr_restart' });
      await until('the first attempt recorded', async () => (await deliveries(api, id))[0]?.attempts === 1);
      await first.close();
      receiver.answer = () => 200;

      const second = await backend.open(options);
      const again = await keyed(second, 'test');
      const [d] = await until('the delivery after the restart', async () => {
        const ds = await deliveries(again, id);
        return ds[0]?.status === 'delivered' && ds;
      });
      expect(d.attempts).toBeGreaterThanOrEqual(2);
      expect(receiver.got.length).toBe(d.attempts);
      expect(new Set(receiver.eventIds())).toEqual(new Set([d.event.id]));
      for (const r of receiver.got) expect(verifies(r.headers[SIGNATURE_HEADER.toLowerCase()] as string, r.body, secret)).toBe(true);
      await backend.cleanup();
    }, 120_000);

    it(`gives back a delivery in flight when the service closes, and the next instance sends it (${backend.name})`, async () => {
      receiver.got.length = 0;
      receiver.answer = (n) => (n === 1 ? 0 : 200);
      // A timeout and a lease far longer than the test: only the give-back lets the next instance send it now.
      const options = { webhooks: { ...FAST, timeoutMs: 120_000 }, dataDir: join(dir, `${backend.name}-in-flight`) };
      const first = await backend.open(options);
      const api = await keyed(first, 'test');
      const { id } = (await api.post('/v1/webhook-endpoints', { url: receiver.url })).body;
      await emit(first, 'test', 'payout_request.failed', { id: 'pr_in_flight' });
      await until('the attempt in flight', async () => receiver.got.length === 1);
      await first.close();

      const second = await backend.open(options);
      const again = await keyed(second, 'test');
      const [d] = await until('the delivery after the restart', async () => {
        const ds = await deliveries(again, id);
        return ds[0]?.status === 'delivered' && ds;
      });
      // The cut-short attempt is not counted against the receiver.
      expect(d.attempts).toBe(1);
      expect(receiver.eventIds()).toEqual([d.event.id, d.event.id]);
      await backend.cleanup();
    }, 120_000);
  }
});
