// The decision log: every decision (decide, batch items, payout steps) reaches a healthy sink as
// one NDJSON entry with its id, scheme, version, input, result and, when it has one, its trace; a
// sink that is down or hangs costs the decisions nothing, and what it could not take is counted.
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DecisionLog } from '../server/decision-log.js';
import { NO_METRICS } from '../server/metrics.js';
import { createService, startService, type RunningService } from '../server/start.js';
import { parseExposition, total } from './support/prometheus.js';
import { ADMIN, backends, keyed } from './support/service.js';

const SCHEME = 'scheme logged\nmode test\nroute a_eur EUR fee 1.00\n\nblock sanctions when country in [KP]\n\nservice s {\n  cost a_eur\n}\n';
const REQUEST = { amount: '10.00', currency: 'EUR', service: 's', country: 'DE' };

type Entry = Record<string, unknown> & { decision_id: string };

/** An HTTP sink on 127.0.0.1: `hold` keeps every request unanswered (a sink that hangs). */
async function sink(hold = false): Promise<{ url: string; entries: Entry[]; types: string[]; server: Server }> {
  const entries: Entry[] = [];
  const types: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      if (hold) return;
      types.push(req.headers['content-type'] ?? '');
      for (const line of text.split('\n').filter(Boolean)) entries.push(JSON.parse(line) as Entry);
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/decisions`, entries, types, server };
}

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function setUp(service: RunningService) {
  const api = await keyed(service, 'test');
  await api.post('/v1/schemes/logged/versions', { source: SCHEME });
  await api.post('/v1/schemes/logged/activate', { version: 1 });
  const post = async (path: string, body: string, headers: Record<string, string> = {}) => {
    const res = await fetch(service.url + path, { method: 'POST', headers: { authorization: `Bearer ${api.key}`, ...headers }, body });
    return { status: res.status, requestId: res.headers.get('x-request-id'), text: await res.text() };
  };
  return { api, post };
}

describe.each(backends())('the decision log on $name', (backend) => {
  const servers: Server[] = [];
  afterAll(async () => {
    await backend.cleanup();
    for (const s of servers) s.closeAllConnections(), s.close();
  });

  it('sends every decision to a healthy HTTP sink: decide, batch items and payout steps, each with its id', async () => {
    const target = await sink();
    servers.push(target.server);
    const service = await backend.serve({ telemetry: { decisionLog: { target: target.url, sample: 1, buffer: 10_000, flushMs: 50 } } });
    const { api, post } = await setUp(service);
    const expected = new Map<string, { input: unknown; endpoint: string; requestId?: string | null; traced: boolean }>();

    for (const [request, trace] of [[REQUEST, false], [{ ...REQUEST, country: 'KP' }, false], [REQUEST, true]] as const) {
      const res = await post('/v1/schemes/logged/decide', JSON.stringify({ request, trace }));
      expected.set(JSON.parse(res.text).decision_id, { input: request, endpoint: 'decide', requestId: res.requestId, traced: trace });
    }
    const requests = [REQUEST, { ...REQUEST, amount: '20.00' }, { nope: true }, REQUEST];
    const batch = await post('/v1/schemes/logged/decide-batch', JSON.stringify({ requests }));
    (JSON.parse(batch.text).data as Entry[]).forEach((d, i) => d.decision_id && expected.set(d.decision_id, { input: requests[i], endpoint: 'decide-batch', requestId: batch.requestId, traced: false }));
    expect(expected.size).toBe(6);
    const nd = await post('/v1/schemes/logged/decide-batch', `${JSON.stringify(REQUEST)}\n`, { 'content-type': 'application/x-ndjson' });
    expected.set(JSON.parse(nd.text).decision_id, { input: REQUEST, endpoint: 'decide-batch', requestId: nd.requestId, traced: false });

    await api.post('/v1/payout-points', { id: 'pop', currencies: ['EUR'], scheme: 'logged' });
    await api.put('/v1/routes/a_eur', { balance: '100.00' });
    const made = await api.post('/v1/payout-gateway/payout-requests', { data: { type: 'payout-request', attributes: { point_amount: '10.00', point_id: 'pop', point_currency: 'EUR', service: 's' } } });
    const events = (await api.get(`/v1/payout-gateway/payout-requests/${made.body.data.id}`)).body.data.attributes.events as Entry[];
    const stepIds = events.filter((e) => e['type'] === 'decision').map((e) => e.decision_id);
    expect(stepIds).toHaveLength(1);
    expected.set(stepIds[0]!, { input: expect.objectContaining({ amount: '10.00', attempt: 1, exclude: [] }), endpoint: 'payout', traced: true });

    await until('every decision at the sink', () => target.entries.length >= expected.size);
    expect(new Set(target.entries.map((e) => e.decision_id))).toEqual(new Set(expected.keys()));
    expect(target.entries).toHaveLength(expected.size);
    expect(new Set(target.types)).toEqual(new Set(['application/x-ndjson']));
    for (const entry of target.entries) {
      const want = expected.get(entry.decision_id)!;
      expect(entry).toMatchObject({ mode: 'test', scheme: 'logged', version: 1, endpoint: want.endpoint, input: want.input, timestamp: expect.any(String) });
      expect(entry['req_id']).toBe(want.requestId ?? undefined);
      expect(entry['result']).toMatchObject({ status: expect.stringMatching(/^(routed|blocked)$/) });
      expect(entry['result']).not.toHaveProperty('trace');
      expect('trace' in entry).toBe(want.traced);
    }
    const blocked = target.entries.find((e) => (e['result'] as { status: string }).status === 'blocked')!;
    expect(blocked['result']).toMatchObject({ block: 'sanctions', route: null });
    const counted = parseExposition((await service.telemetry.metrics.exposition()).text);
    expect(total(counted, 'sluice_decision_log_total', { outcome: 'sent' })).toBe(expected.size);
  });

  it('drops and counts what a hanging sink cannot take, and the decisions do not wait for it', async () => {
    const target = await sink(true);
    servers.push(target.server);
    const service = await backend.serve({ telemetry: { decisionLog: { target: target.url, sample: 1, buffer: 50, flushMs: 20, timeoutMs: 30_000 } } });
    const { post } = await setUp(service);
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 300 }, () => post('/v1/schemes/logged/decide', JSON.stringify({ request: REQUEST }))));
    const seconds = (performance.now() - started) / 1000;
    expect(answers.map((a) => a.status)).toEqual(Array(300).fill(200));
    // The sink holds every batch for 30 s: a decision that waited for it could not be done in 15.
    expect(seconds).toBeLessThan(15);
    const counted = parseExposition((await service.telemetry.metrics.exposition()).text);
    expect(total(counted, 'sluice_decision_log_total', { outcome: 'sent' })).toBe(0);
    // At most the buffer and the batch out at the sink are held; the rest were dropped and counted.
    expect(total(counted, 'sluice_decision_log_total', { outcome: 'buffer_full' })).toBeGreaterThanOrEqual(300 - 2 * 50);
  });
});

describe('the decision log to a file, and its sampling', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-dlog-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it('appends one NDJSON line per decision, all sent when the service closes', async () => {
    const file = join(dir, 'decisions.ndjson');
    const service = await createService({ adminKey: ADMIN, seedExamples: false, quiet: true, telemetry: { decisionLog: { target: file, sample: 1, buffer: 1_000, flushMs: 60_000 } } });
    const api = await keyed(service, 'test');
    await api.post('/v1/schemes/logged/versions', { source: SCHEME });
    await api.post('/v1/schemes/logged/activate', { version: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await api.post('/v1/schemes/logged/decide', { request: REQUEST })).body.decision_id);
    await service.close();
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Entry);
    expect(lines.map((l) => l.decision_id)).toEqual(ids);
  });

  it('logs the share of decisions the sample rate draws', async () => {
    const draws = [0.1, 0.9, 0.24, 0.25, 0.5, 0.01];
    const log = new DecisionLog({ target: join(dir, 'sampled.ndjson'), sample: 0.25, buffer: 10, flushMs: 60_000 }, NO_METRICS, () => {}, () => draws.shift()!);
    closers.push(() => log.close(1_000));
    expect([1, 2, 3, 4, 5, 6].map(() => log.sampled())).toEqual([true, false, true, false, false, true]);
    const none = new DecisionLog({ target: join(dir, 'none.ndjson'), sample: 0, buffer: 10, flushMs: 60_000 }, NO_METRICS, () => {}, () => 0);
    closers.push(() => none.close(1_000));
    expect(none.sampled()).toBe(false);
  });
});

describe('a decision log sink that is down', () => {
  let service: RunningService | undefined;
  afterAll(() => service?.close());

  it('fails no decision, and counts what it could not send', async () => {
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as { port: number }).port;
    closed.close();
    service = await startService({ adminKey: ADMIN, seedExamples: false, quiet: true, port: 0, telemetry: { decisionLog: { target: `http://127.0.0.1:${port}/`, sample: 1, buffer: 20, flushMs: 10 } } });
    const api = await keyed(service, 'test');
    await api.post('/v1/schemes/logged/versions', { source: SCHEME });
    await api.post('/v1/schemes/logged/activate', { version: 1 });
    for (let i = 0; i < 100; i++) expect((await api.post('/v1/schemes/logged/decide', { request: REQUEST })).status).toBe(200);
    const counted = parseExposition((await service.telemetry.metrics.exposition()).text);
    expect(total(counted, 'sluice_decision_log_total', { outcome: 'sent' })).toBe(0);
    const dropped = total(counted, 'sluice_decision_log_total', { outcome: 'buffer_full' }) + total(counted, 'sluice_decision_log_total', { outcome: 'sink_error' });
    expect(dropped).toBeGreaterThanOrEqual(100 - 20);
  });
});
