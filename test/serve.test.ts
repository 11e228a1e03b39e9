// `npm start` (`sluice serve`): PGlite in SLUICE_DATA_DIR, example schemes on a first start,
// the URL and a generated admin key printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'sluice-serve-'));
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Resolves with stdout once it has printed the admin key line. */
function started(proc: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/admin key.*: sk_admin_\S+\n/.test(out)) resolve(out);
    });
    proc.once('exit', (code) => reject(new Error(`sluice serve exited with ${code}: ${out}`)));
  });
}

it('starts on an embedded database, loads the examples, and prints the URL and an admin key', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, SLUICE_DATA_DIR: dataDir, PORT: '0' };
  delete env['SLUICE_ADMIN_KEY'];
  delete env['DATABASE_URL'];
  child = spawn(process.execPath, ['bin/sluice.mjs', 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = await started(child);
  const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
  const admin = /: (sk_admin_\S+)/.exec(out)![1]!;
  expect(out).toContain(`embedded PGlite in ${dataDir}`);
  expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
  const key = (await (await fetch(`${url}/v1/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${admin}` }, body: '{"mode":"test"}' })).json()) as { key: string };
  const schemes = (await (await fetch(`${url}/v1/schemes`, { headers: { authorization: `Bearer ${key.key}` } })).json()) as { data: { name: string; active_version: number }[] };
  expect(schemes.data).toContainEqual({ name: 'eu_payouts', latest_version: 1, active_version: 1 });
  expect(schemes.data).toContainEqual({ name: 'global_payouts', latest_version: 1, active_version: 1 });
  const huge = await fetch(`${url}/v1/compile`, { method: 'POST', headers: { authorization: `Bearer ${key.key}` }, body: JSON.stringify({ source: 'x'.repeat(5 << 20) }) });
  expect(huge.status).toBe(413);
  expect(huge.headers.get('content-type')).toContain('application/problem+json');
  const ok = await fetch(`${url}/v1/compile`, { method: 'POST', headers: { authorization: `Bearer ${key.key}` }, body: JSON.stringify({ source: 'scheme x\n' }) });
  expect(((await ok.json()) as { ok: boolean }).ok).toBe(true);
  // Without a Content-Length (chunked), a body is measured as it is read: whole or in pieces.
  const chunked = (text: string) =>
    fetch(`${url}/v1/compile`, { method: 'POST', headers: { authorization: `Bearer ${key.key}` }, body: new Blob([text]).stream(), duplex: 'half' } as RequestInit);
  expect((await chunked(JSON.stringify({ source: 'x'.repeat(5 << 20) }))).status).toBe(413);
  expect(((await (await chunked(JSON.stringify({ source: 'scheme x\n' }))).json()) as { ok: boolean }).ok).toBe(true);
  // A decision over the socket: its body read before the app runs, answered in one pass.
  const request = { amount: '100.00', currency: 'EUR', service: 'sepa_eur', country: 'DE', fields: { kyc_level: 3, segment: 'retail' } };
  const decide = await fetch(`${url}/v1/schemes/eu_payouts/decide`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key.key}` },
    body: JSON.stringify({ request, state: { routes: { acme_eur: { balance: '500.00' } } } }),
  });
  expect(decide.headers.get('x-content-type-options')).toBe('nosniff');
  expect(await decide.json()).toMatchObject({ status: 'routed', route: 'acme_eur', version: 1 });
}, 60_000);
