// Graceful shutdown. A real `sluice serve` process under load gets SIGTERM: every request is
// answered (200), refused with 503 while it drains, or refused before it was sent (the listener is
// closed); none is lost, and a request in flight across the signal finishes. A run still going at
// the shutdown timeout has its lease handed back (released, its fence bumped).
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { simulatorConnector, startSimulator, type ProviderSimulator } from '../server/connectors/simulator.js';
import { openStore } from '../server/db/connect.js';
import { startService, type RunningService } from '../server/start.js';
import { api, serveProcess, type ServeProcess } from './support/process.js';
import { ADMIN, keyed } from './support/service.js';

const SCHEME = 'scheme drained\nmode test\nroute a_eur EUR fee 1.00\n\nservice s {\n  cost a_eur\n}\n';
const BODY = JSON.stringify({ request: { amount: '10.00', currency: 'EUR', service: 's' } });

type Outcome = 'ok' | 'draining' | 'refused' | 'lost';

/** One decide on a keep-alive agent: answered, refused with 503 while draining, refused before it was sent, or lost. */
function decideOnce(url: string, key: string, agent: Agent): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(`${url}/v1/schemes/drained/decide`, { method: 'POST', agent, headers: { authorization: `Bearer ${key}`, 'content-length': Buffer.byteLength(BODY) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(res.statusCode === 200 ? 'ok' : res.statusCode === 503 && text.includes('shutting-down') ? 'draining' : 'lost'));
      res.on('error', () => resolve('lost'));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED' ? 'refused' : 'lost'));
    req.end(BODY);
  });
}

/** An NDJSON batch whose second line is sent `pauseMs` after the first: in flight across the signal. */
function slowBatch(url: string, key: string, pauseMs: number, paused: () => void): Promise<{ status: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/schemes/drained/decide-batch`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, lines: text.split('\n').filter(Boolean).length }));
    });
    req.on('error', reject);
    const line = `${JSON.stringify((JSON.parse(BODY) as { request: unknown }).request)}\n`;
    req.write(line);
    // Time for the headers and the first line to reach the service before the signal.
    setTimeout(paused, 300);
    setTimeout(() => req.end(line), pauseMs);
  });
}

describe('SIGTERM under load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-drain-'));
  let proc: ServeProcess | undefined;
  afterAll(() => {
    proc?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers or refuses every request, and finishes the one in flight', async () => {
    proc = await serveProcess({ SLUICE_DATA_DIR: dir, SLUICE_ADMIN_KEY: ADMIN, SLUICE_LOG_LEVEL: 'info', SLUICE_RATE_LIMIT: '1000000' });
    const key: string = (await api(proc.url, ADMIN, 'POST', '/v1/api-keys', { mode: 'test' })).body.key;
    expect((await api(proc.url, key, 'POST', '/v1/schemes/drained/versions', { source: SCHEME })).status).toBe(201);
    await api(proc.url, key, 'POST', '/v1/schemes/drained/activate', { version: 1 });

    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const outcomes: Outcome[] = [];
    let signalled = false;
    const afterSignal: Outcome[] = [];
    // Sixteen clients send decisions back to back until the listener refuses them (bounded: 20 s).
    const deadline = Date.now() + 20_000;
    const client = async () => {
      while (Date.now() < deadline) {
        const o = await decideOnce(proc!.url, key, agent);
        outcomes.push(o);
        if (signalled) afterSignal.push(o);
        if (o === 'refused') return;
      }
    };
    const exited = once(proc.child, 'exit');
    const clients = Array.from({ length: 16 }, client);
    await new Promise((r) => setTimeout(r, 500));
    let batchPaused!: () => void;
    const inFlight = new Promise<void>((r) => (batchPaused = r));
    const batch = slowBatch(proc.url, key, 1_500, () => batchPaused());
    await inFlight;
    proc.child.kill('SIGTERM');
    signalled = true;
    const [code] = (await exited) as [number];
    await Promise.all(clients);
    agent.destroy();

    expect(code).toBe(0);
    expect(await batch).toEqual({ status: 200, lines: 2 });
    expect(outcomes.filter((o) => o === 'lost')).toEqual([]);
    expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThan(50);
    // Clients went on after the signal and were turned away cleanly.
    expect(afterSignal.filter((o) => o === 'draining' || o === 'refused').length).toBeGreaterThan(0);
    const lines = proc.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ msg: 'stopped', drained: true });
    expect(lines.filter((l) => l['status'] === 503 && l['msg'] === 'request').length).toBe(outcomes.filter((o) => o === 'draining').length);
  }, 90_000);
});

describe('a run still going at the shutdown timeout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-lease-'));
  let sim: ProviderSimulator | undefined;
  let service: RunningService | undefined;
  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands its lease back: released, the fence bumped so the cut-off runner writes nothing more', async () => {
    // Every send is held unanswered (the connector gives up after 20 s): the run is mid-send at close.
    sim = await startSimulator({ timeoutShare: 1, holdMs: 30_000 });
    service = await startService({ dataDir: dir, adminKey: ADMIN, seedExamples: false, quiet: true, port: 0, shutdownTimeoutMs: 300 });
    const api = await keyed(service, 'test');
    await api.post('/v1/schemes/drained/versions', { source: SCHEME });
    await api.post('/v1/schemes/drained/activate', { version: 1 });
    await api.post('/v1/payout-points', { id: 'pop', currencies: ['EUR'], scheme: 'drained' });
    await api.put('/v1/routes/a_eur', { balance: '100.00' });
    const connector = simulatorConnector(sim.url);
    expect((await api.put('/v1/routes/a_eur/connector', { ...connector, config: { ...connector.config, timeout_ms: 20_000 } })).status).toBe(200);
    const attributes = { point_amount: '10.00', point_id: 'pop', point_currency: 'EUR', service: 's' };
    const pending = fetch(`${service.url}/v1/payout-gateway/payout-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.key}` },
      body: JSON.stringify({ data: { type: 'payout-request', attributes } }),
    }).catch((e: unknown) => e);
    const end = Date.now() + 10_000;
    while (!Object.keys(sim.ledger().payouts).length && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(Object.keys(sim.ledger().payouts)).toHaveLength(1);

    await service.close();
    expect(service.drained()).toBe(false);
    expect(await pending).toBeInstanceOf(Error); // cut off at the timeout
    const store = await openStore({ dataDir: dir });
    try {
      const row = await store.db.selectFrom('payout_requests').select(['status', 'fence', 'lease_owner', 'lease_until']).executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'processing', fence: 2, lease_owner: null, lease_until: null });
      const payout = await store.db.selectFrom('payouts').select('status').executeTakeFirstOrThrow();
      expect(payout.status).toBe('sent');
    } finally {
      await store.close();
    }
  }, 60_000);
});
