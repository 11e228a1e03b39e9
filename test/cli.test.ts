import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';

async function sluice(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const SCHEME = `scheme demo
route a EUR fee 1.00
route b EUR fee 0.5%

service s {
  when amount > 100 {
    optimal a, b
  } else {
    cost b, a
  }
}
`;

describe('sluice check', () => {
  it('prints FILE:LINE:COL: severity: message and exits 1 on errors', async () => {
    const f = file('bad.sluice', 'scheme bad\nservice s {\n  optimal nowhere\n}\n');
    const r = await sluice('check', f);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:11: error: .*nowhere.* \\[E_UNKNOWN_ROUTE\\]$`, 'm'));
  });

  it('exits 0 with only warnings', async () => {
    const f = file('warn.sluice', `${SCHEME}route unused EUR\n`);
    const r = await sluice('check', f);
    expect(r.code).toBe(0);
    expect(r.out).toContain('warning:');
  });

  it('says in one line that a file is missing or a directory', async () => {
    const missing = await sluice('check', join(dir, 'nope.sluice'));
    expect(missing.code).toBe(2);
    expect(missing.err.trim().split('\n')).toEqual([`sluice check: ${join(dir, 'nope.sluice')}: no such file`]);
    const directory = await sluice('check', dir);
    expect(directory.err.trim()).toBe(`sluice check: ${dir}: is a directory, not a file`);
  });
});

describe('sluice fmt', () => {
  it('prints, checks and writes the canonical layout', async () => {
    const f = file('ugly.sluice', 'scheme   x\nroute a EUR   fee 1.00\nservice s {\n optimal a\n}\n');
    expect((await sluice('fmt', f)).out).toBe('scheme x\nroute a EUR fee 1.00\nservice s {\n  optimal a\n}\n');
    expect((await sluice('fmt', '--check', f)).code).toBe(1);
    expect((await sluice('fmt', '--write', f)).code).toBe(0);
    expect((await sluice('fmt', '--check', f)).code).toBe(0);
  });

  it('refuses a source with syntax errors', async () => {
    const r = await sluice('fmt', file('broken.sluice', 'scheme x\nroute\n'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('error:');
  });
});

describe('sluice eval', () => {
  const scheme = file('demo.sluice', SCHEME);
  it('prints the decision as JSON and exits 0', async () => {
    const req = file('req.json', JSON.stringify({ amount: '200.00', currency: 'EUR', service: 's' }));
    const r = await sluice('eval', scheme, '--request', req);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    expect(d).toMatchObject({ status: 'routed', route: 'a', strategy: 'optimal', allocations: [{ amount: '200.00', fee: '1.00' }] });
    // Expanded for a person: one entry per condition tested.
    expect(d.trace.map((e: { step: string }) => e.step)).toEqual(['branch', 'strategy']);
  });

  it('exits 2 and names each invalid path', async () => {
    const req = file('bad-req.json', JSON.stringify({ amount: 'ten', currency: 'EURO' }));
    const r = await sluice('eval', scheme, '--request', req);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('/amount');
    expect(r.err).toContain('/currency');
    expect(r.err).toContain('/service');
  });

  it('exits 1 when the scheme does not compile, 2 when a file is unreadable', async () => {
    const bad = file('bad2.sluice', 'scheme x\nservice s {\n  optimal zzz\n}\n');
    const req = file('req2.json', JSON.stringify({ amount: '1', currency: 'EUR', service: 's' }));
    expect((await sluice('eval', bad, '--request', req)).code).toBe(1);
    expect((await sluice('eval', scheme, '--request', join(dir, 'missing.json'))).code).toBe(2);
    expect((await sluice('eval', scheme, '--request', file('notjson.json', '{'))).code).toBe(2);
  });
});

describe('sluice simulate', () => {
  it('commits each decision and prints the summary', async () => {
    const scheme = file('sim.sluice', 'scheme sim\nroute a EUR\nroute b EUR\n\nservice s {\n  weight a 50%, b 50%\n}\n');
    const lines = Array.from({ length: 10 }, () => JSON.stringify({ amount: '10.00', currency: 'EUR', service: 's' }));
    lines.push(JSON.stringify({ amount: '10.00', currency: 'EUR', service: 'other' }));
    const reqs = file('reqs.jsonl', `${lines.join('\n')}\n`);
    const r = await sluice('simulate', scheme, '--requests', reqs);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      routes: { a: { count: 5, volume: '50.00' }, b: { count: 5, volume: '50.00' } },
      statuses: { routed: 10, blocked: 0, failed: 1 },
      resolutions: { STRATEGY_RECEIVED_NO_ROUTES: 1 },
    });
  });

  it('uses balances and shrinks them as it goes', async () => {
    const scheme = file('bal.sluice', 'scheme bal\nroute a EUR fee 1.00\nroute b EUR\n\nservice s {\n  balance a, b\n}\n');
    const state = file('bal.json', JSON.stringify({ routes: { a: { balance: '25.00' }, b: { balance: '20.00' } } }));
    const reqs = file('bal.jsonl', Array.from({ length: 5 }, () => JSON.stringify({ amount: '10.00', currency: 'EUR', service: 's' })).join('\n'));
    const r = await sluice('simulate', scheme, '--requests', reqs, '--state', state);
    // Largest balance first: a 25 → 14 (debit 10 + fee 1); b 20 → 10; a 14 → 3; b 10 → 0; then none covers 10.
    expect(JSON.parse(r.out).routes).toEqual({ a: { count: 2, volume: '20.00' }, b: { count: 2, volume: '20.00' } });
    expect(JSON.parse(r.out).resolutions).toEqual({ STRATEGY_CONFIGURED_ROUTES_WERE_FILTERED: 1 });
  });

  it('draws a progress bar on stderr with --progress, and prints the same summary', async () => {
    const scheme = file('prog.sluice', 'scheme prog\nroute a EUR\n\nservice s {\n  optimal a\n}\n');
    const reqs = file('prog.jsonl', Array.from({ length: 50 }, () => JSON.stringify({ amount: '1.00', currency: 'EUR', service: 's' })).join('\n'));
    const r = await sluice('simulate', scheme, '--requests', reqs, '--progress');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).routes).toEqual({ a: { count: 50, volume: '50.00' } });
    expect(r.err).toMatch(/simulating .* 100% 50\/50/);
  });
});

describe('sluice test', () => {
  it('runs the project examples and reports each case', async () => {
    const r = await sluice('test', 'examples/eu_payouts.sluice', 'examples/global_payouts.cases.json');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\d+ passed, 0 failed/);
  });

  it('exits 1 and says what differs when a case fails', async () => {
    file('t.sluice', SCHEME);
    const cases = file('t.cases.json', JSON.stringify([{ name: 'wrong', request: { amount: '200.00', currency: 'EUR', service: 's' }, expect: { route: 'b' } }]));
    const r = await sluice('test', cases);
    expect(r.code).toBe(1);
    expect(r.out).toContain('/route: expected "b", got "a"');
  });
});

describe('the sluice bin', () => {
  it('runs from the checkout', () => {
    const out = execFileSync('node', ['bin/sluice.mjs', 'fmt', 'examples/eu_payouts.sluice'], { encoding: 'utf8' });
    expect(out).toBe(readFileSync('examples/eu_payouts.sluice', 'utf8'));
  });
});
