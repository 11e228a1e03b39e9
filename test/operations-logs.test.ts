// The log of a real `sluice serve` process: its stdout is the banner, then one JSON line per
// request (with the request id it answered in X-Request-Id, and a valid traceparent) and per payout
// step; no key, credential, secret or request body appears anywhere in what it printed.
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorConnector, startSimulator, type ProviderSimulator } from '../server/connectors/simulator.js';
import { IdentifiedResponse, requestId, validTraceparent } from '../server/request-log.js';
import { api, serveProcess, type ServeProcess } from './support/process.js';

const ADMIN = 'sk_admin_secret_for_the_log_test';
const SIM_KEY = 'sk_sim_credential_for_the_log_test';
const SIM_SECRET = 'whsec_sim_secret_for_the_log_test';
const BODY_MARKER = 'body-marker-never-logged';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const SCHEME = `scheme logged
mode test

route sim_eur EUR fee 0.25

service sepa {
  cost sim_eur
}
`;

type Line = Record<string, unknown>;

describe('the answer carries its request id', () => {
  it('once, however the handler writes its head', async () => {
    const server = createServer({ ServerResponse: IdentifiedResponse as typeof ServerResponse }, (req, res) => {
      (res as IdentifiedResponse).requestId = `id-${req.url}`;
      if (req.url === '/object') res.writeHead(201, { 'content-type': 'text/plain', 'x-many': ['a', 'b'] }).end('o');
      else if (req.url === '/list') res.writeHead(202, 'Fine', ['content-type', 'text/plain']).end('l');
      else if (req.url === '/pairs') res.writeHead(204, [['x-pair', '1']] as unknown as string[]).end();
      else if (req.url === '/progressive') {
        res.setHeader('content-type', 'text/plain');
        res.writeHead(203, { 'x-more': '1' }).end('p');
      } else res.end('implicit');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      for (const [path, status] of [['/object', 201], ['/list', 202], ['/pairs', 204], ['/progressive', 203], ['/implicit', 200]] as const) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`);
        expect(res.status).toBe(status);
        expect(res.headers.get('x-request-id')).toBe(`id-${path}`);
        await res.text();
      }
      const res = await fetch(`http://127.0.0.1:${port}/object`);
      expect([res.headers.get('content-type'), res.headers.get('x-many')]).toEqual(['text/plain', 'a, b']);
      await res.text();
    } finally {
      server.close();
    }
  });
});

describe('request ids and traceparent', () => {
  it('keeps a sane X-Request-Id and makes one for anything else', () => {
    expect(requestId('order-42.retry:1')).toBe('order-42.retry:1');
    for (const bad of [undefined, '', 'with space', 'a\r\nset-cookie: x=1', 'x'.repeat(129), 'é', ['a', 'b']]) expect(requestId(bad)).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
    expect(requestId(undefined)).not.toBe(requestId(undefined));
  });

  it('takes a W3C traceparent only when it is valid', () => {
    expect(validTraceparent(TRACEPARENT)).toBe(TRACEPARENT);
    expect(validTraceparent(`01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future`)).toBeDefined();
    for (const bad of [
      'zz',
      `${TRACEPARENT}-extra`, // version 00 has four fields
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
    ]) {
      expect(validTraceparent(bad)).toBeUndefined();
    }
  });
});

describe('the log of sluice serve', () => {
  let proc: ServeProcess;
  let sim: ProviderSimulator;
  let key: string;
  let webhookSecret: string;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-logs-'));
  const answers: { id: string | null; given?: string }[] = [];
  let lines: Line[];
  let stdout: string;

  const decide = async (headers: Record<string, string>) => {
    const res = await fetch(`${proc.url}/v1/schemes/logged/decide`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, ...headers },
      body: JSON.stringify({ request: { amount: '10.00', currency: 'EUR', service: 'sepa', fields: {}, point: BODY_MARKER } }),
    });
    expect(res.status).toBe(200);
    answers.push({ id: res.headers.get('x-request-id'), ...(headers['x-request-id'] ? { given: headers['x-request-id'] } : {}) });
    return res;
  };

  beforeAll(async () => {
    sim = await startSimulator({ apiKey: SIM_KEY, secret: SIM_SECRET });
    proc = await serveProcess({ SLUICE_DATA_DIR: dir, SLUICE_ADMIN_KEY: ADMIN, SLUICE_LOG_LEVEL: 'info' });
    key = (await api(proc.url, ADMIN, 'POST', '/v1/api-keys', { mode: 'test' })).body.key;
    expect((await api(proc.url, key, 'POST', '/v1/schemes/logged/versions', { source: SCHEME })).status).toBe(201);
    await api(proc.url, key, 'POST', '/v1/schemes/logged/activate', { version: 1 });
    await api(proc.url, key, 'POST', '/v1/payout-points', { id: 'pop_logged', currencies: ['EUR'], scheme: 'logged' });
    await api(proc.url, key, 'PUT', '/v1/routes/sim_eur', { balance: '1000.00' });
    expect((await api(proc.url, key, 'PUT', '/v1/routes/sim_eur/connector', simulatorConnector(sim.url, { apiKey: SIM_KEY, secret: SIM_SECRET }))).status).toBe(200);
    webhookSecret = (await api(proc.url, key, 'POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks' })).body.secret;
    expect(webhookSecret).toBeTruthy();
    await decide({ 'x-request-id': 'order-42.retry:1', traceparent: TRACEPARENT });
    await decide({ 'x-request-id': 'has a space', traceparent: 'not-a-traceparent' });
    await decide({ 'x-request-id': 'y'.repeat(300) });
    await decide({});
    // A key in the query string stays out of the log: the path is logged without its query.
    await fetch(`${proc.url}/v1/schemes?leaked=${key}`, { headers: { authorization: `Bearer ${key}` } });
    const made = await api(proc.url, key, 'POST', '/v1/payout-gateway/payout-requests', {
      data: { type: 'payout-request', attributes: { point_amount: '20.00', point_id: 'pop_logged', point_currency: 'EUR', service: 'sepa', fields: { note: BODY_MARKER } } },
    });
    expect(made.status).toBe(201);
    expect(made.body.data.attributes.status).toBe('processed');
    proc.child.kill('SIGTERM');
    await once(proc.child, 'exit');
    stdout = proc.stdout();
    lines = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Line);
  }, 90_000);

  afterAll(async () => {
    proc?.child.kill('SIGKILL');
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the banner, then only JSON lines', () => {
    const text = stdout.split('\n').filter((l) => l && !l.startsWith('{'));
    expect(text).toEqual([expect.stringMatching(/^Sluice is listening on http/), expect.stringMatching(/^ {2}editor: /), expect.stringMatching(/^ {2}API: /)]);
    expect(lines.length).toBeGreaterThan(10);
    for (const l of lines) expect(l).toMatchObject({ level: expect.any(Number), time: expect.any(Number), service: 'sluice', msg: expect.any(String) });
  });

  it('logs each request once with the id it answered in X-Request-Id, and a valid traceparent', () => {
    const requests = lines.filter((l) => l['msg'] === 'request');
    for (const a of answers) {
      expect(a.id).toBeTruthy();
      const logged = requests.filter((l) => l['req_id'] === a.id);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ method: 'POST', endpoint: '/v1/schemes/:name/decide', path: '/v1/schemes/logged/decide', status: 200, ms: expect.any(Number) });
    }
    expect(answers[0]).toEqual({ id: 'order-42.retry:1', given: 'order-42.retry:1' });
    expect(answers.slice(1).every((a) => a.id !== a.given && /^[0-9a-f]{12}-/.test(a.id!))).toBe(true);
    expect(requests.find((l) => l['req_id'] === answers[0]!.id)!['traceparent']).toBe(TRACEPARENT);
    expect(requests.filter((l) => 'traceparent' in l)).toHaveLength(1);
    expect(requests.find((l) => l['path'] === '/v1/schemes')).toMatchObject({ endpoint: '/v1/schemes', status: 200 });
  });

  it('logs each payout step: the decision with its id, the provider call, the final status', () => {
    const steps = lines.filter((l) => l['msg'] === 'payout step');
    expect(steps.map((l) => l['step'])).toEqual(['decision', 'provider_send', 'final_status']);
    expect(steps[0]).toMatchObject({ decision_id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'routed', route: 'sim_eur', attempt: 1 });
    expect(steps[1]).toMatchObject({ route: 'sim_eur', answer: 'succeeded' });
    expect(steps[2]).toMatchObject({ status: 'processed' });
  });

  it('logs no key, credential, secret or body', () => {
    const everything = proc.output();
    for (const secret of [ADMIN, key, SIM_KEY, SIM_SECRET, webhookSecret, BODY_MARKER]) expect(everything).not.toContain(secret);
  });

  it('logs the shutdown, drained', () => {
    expect(lines.at(-2)).toMatchObject({ msg: 'shutting down', signal: 'SIGTERM' });
    expect(lines.at(-1)).toMatchObject({ msg: 'stopped', drained: true });
  });
});
