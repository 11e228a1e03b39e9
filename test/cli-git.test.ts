// The CLI in a repository's workflow (issue 17 item 4): check's formats, fmt --diff, --version,
// --quiet, test over a folder with coverage, and diff as git's external driver and textconv,
// in a real git repository.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { unifiedDiff } from '../cli/unified-diff.js';

async function sluice(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-git-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

// An unknown route (error, line 5) and a warning (min above max, line 3).
const BAD = 'scheme bad\nmode test\nroute a EUR fee 1.00 min 10 max 5\nservice s {\n  optimal nowhere, a\n}\n';
const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('sluice check --format', () => {
  const bad = file('bad.sluice', BAD);

  it('json: every diagnostic with its file, code, severity and range', async () => {
    const r = await sluice('check', '--format', 'json', bad);
    expect(r.code).toBe(1);
    const list = JSON.parse(r.out) as { file: string; code: string; severity: string; line: number; column: number; endLine: number; endColumn: number }[];
    expect(list).toContainEqual(expect.objectContaining({ file: bad, code: 'E_UNKNOWN_ROUTE', severity: 'error', line: 5, column: 11, endLine: 5, endColumn: 18 }));
    expect(list.some((d) => d.severity === 'warning' && d.line === 3)).toBe(true);
  });

  it('github: workflow commands with file, range and code, the data escaped', async () => {
    const r = await sluice('check', '--format', 'github', bad);
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n');
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^::error file=${bad.replace(/[/.]/g, (c) => `\\${c}`)},line=5,col=11,endLine=5,endColumn=18,title=E_UNKNOWN_ROUTE::.*nowhere`)));
    expect(lines.some((l) => l.startsWith('::warning ') && l.includes('line=3,'))).toBe(true);
    const colon = file('we:ird,name.sluice', BAD.replace('scheme bad', 'scheme weird'));
    expect((await sluice('check', '--format', 'github', colon)).out).toContain('file=' + colon.replace(':', '%3A').replace(',', '%2C') + ',');
  });

  it('sarif: a SARIF 2.1.0 log with the rules used and each result located', async () => {
    const r = await sluice('check', '--format', 'sarif', bad);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out) as {
      version: string;
      runs: { tool: { driver: { name: string; version: string; rules: { id: string }[] } }; results: { ruleId: string; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[] }[] }[];
    };
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0]!;
    expect(run.tool.driver).toMatchObject({ name: 'sluice', version: PACKAGE_VERSION });
    expect(run.tool.driver.rules.map((x) => x.id)).toContain('E_UNKNOWN_ROUTE');
    const result = run.results.find((x) => x.ruleId === 'E_UNKNOWN_ROUTE')!;
    expect(result.level).toBe('error');
    expect(result.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: bad }, region: { startLine: 5, startColumn: 11, endLine: 5, endColumn: 18 } });
    expect(run.results.every((x) => run.tool.driver.rules.some((rule) => rule.id === x.ruleId))).toBe(true);
  });

  it('text stays as it was; --quiet leaves warnings out; an unknown format is a usage error', async () => {
    expect((await sluice('check', bad)).out).toMatch(/:5:11: error: .*\[E_UNKNOWN_ROUTE\]/);
    const quiet = await sluice('check', '--quiet', bad);
    expect(quiet.out).not.toContain('warning');
    expect(quiet.out).toContain('E_UNKNOWN_ROUTE');
    const wrong = await sluice('check', '--format', 'xml', bad);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain("unknown format 'xml'");
  });
});

describe('sluice fmt --diff, --version', () => {
  it('prints a unified diff of what --write would change and exits 1; 0 and nothing for a formatted file', async () => {
    const f = file('layout.sluice', 'scheme  layout\nmode test\nroute a EUR fee 1.00\nservice s {\n    optimal a\n}\n');
    const r = await sluice('fmt', '--diff', f);
    expect(r.code).toBe(1);
    expect(r.out).toBe(`--- ${f}\n+++ ${f} (formatted)\n@@ -1,6 +1,6 @@\n-scheme  layout\n+scheme layout\n mode test\n route a EUR fee 1.00\n service s {\n-    optimal a\n+  optimal a\n }\n`);
    const ok = await sluice('fmt', '--diff', file('ok.sluice', 'scheme ok\nmode test\nroute a EUR fee 1.00\nservice s {\n  optimal a\n}\n'));
    expect(ok).toEqual({ code: 0, out: '', err: '' });
  });

  it('unified diffs rebuild both texts from their hunks (fast-check, seed 20261203)', () => {
    const text = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'route x', '}'), { maxLength: 40 }).map((ls) => ls.map((l) => `${l}\n`).join(''));
    fc.assert(
      fc.property(text, text, (a, b) => {
        const diff = unifiedDiff(a, b, 'a', 'b');
        if (a === b) return diff === '';
        const [oldSide, newSide] = applyHunks(diff, a);
        return oldSide && newSide === b;
      }),
      { seed: 20261203, numRuns: 300 },
    );
  });

  it('--version prints the package version, at the top and after a command', async () => {
    expect((await sluice('--version')).out).toBe(`sluice ${PACKAGE_VERSION}\n`);
    expect((await sluice('check', '--version')).out).toBe(`sluice ${PACKAGE_VERSION}\n`);
  });
});

/** Applies a unified diff to `old`: whether every hunk's old side matched, and the new text. */
function applyHunks(diff: string, old: string): [boolean, string] {
  const lines = old.split('\n').slice(0, -1);
  const out: string[] = [];
  let at = 0;
  let ok = true;
  const body = diff.split('\n').slice(2, -1);
  for (let i = 0; i < body.length; ) {
    const m = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(body[i]!)!;
    const start = Number(m[2] === '0' ? Number(m[1]) + 1 : m[1]) - 1;
    out.push(...lines.slice(at, start));
    at = start;
    for (i++; i < body.length && !body[i]!.startsWith('@@'); i++) {
      const [kind, line] = [body[i]![0], body[i]!.slice(1)];
      if (kind !== '+') ok &&= lines[at++] === line;
      if (kind !== '-') out.push(line);
    }
  }
  out.push(...lines.slice(at));
  return [ok, out.map((l) => `${l}\n`).join('')];
}

describe('sluice test over a folder, with coverage', () => {
  const root = join(dir, 'repo');
  const scheme = (name: string) =>
    `scheme ${name}\nmode test\nroute a EUR fee 1.00\nroute b EUR fee 2.00\nblock big when amount > 1000 EUR\n\nservice s {\n  when amount > 100 EUR {\n    optimal b\n  } else {\n    optimal a\n  }\n}\n`;
  const request = (amount: string) => ({ amount, currency: 'EUR', service: 's' });
  file('repo/one.sluice', scheme('one'));
  file('repo/one.cases.json', JSON.stringify([{ name: 'small', request: request('5.00'), expect: { route: 'a' } }]));
  file('repo/nested/two.sluice', scheme('two'));

  it('runs every scheme with cases, notes those without, and lists what no case reaches', async () => {
    const r = await sluice('test', root, '--coverage');
    expect(r.code).toBe(0);
    expect(r.out).toContain('✓ small');
    expect(r.out).toContain(`no cases: ${join(root, 'nested/two.sluice')}`);
    expect(r.out).toContain('1 passed, 0 failed, 1 without cases');
    expect(r.out).toContain('coverage 33.3% (1 of 3 blocks and branches)');
    expect(r.out).toContain(`not reached: ${join(root, 'one.sluice')}:5: block big`);
    expect(r.out).toContain(`not reached: ${join(root, 'one.sluice')}:8: service s: when (line 8)`);
  });

  it('--min-coverage fails below the figure and passes at it', async () => {
    const low = await sluice('test', root, '--min-coverage', '50');
    expect(low.code).toBe(1);
    expect(low.err).toContain('coverage 33.3% is below --min-coverage 50');
    file('repo/one.cases.json', JSON.stringify([
      { name: 'small', request: request('5.00'), expect: { route: 'a' } },
      { name: 'mid', request: request('500.00'), expect: { route: 'b' } },
      { name: 'big', request: request('5000.00'), expect: { status: 'blocked', block: 'big' } },
    ]));
    const full = await sluice('test', root, '--min-coverage', '100');
    expect(full.code).toBe(0);
    expect(full.out).toContain('coverage 100% of 3 blocks and branches');
    expect((await sluice('test', root, '--min-coverage', 'lots')).code).toBe(2);
  });
});

describe('sluice diff in git', () => {
  const bin = new URL('../bin/sluice.mjs', import.meta.url).pathname;
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd } });
  const repo = mkdtempSync(join(tmpdir(), 'sluice-git-'));
  git(repo, 'init', '-q');
  git(repo, 'config', 'user.email', 'test@example.com');
  git(repo, 'config', 'user.name', 'test');
  copyFileSync(new URL('../examples/eu_payouts.sluice', import.meta.url), join(repo, 'eu_payouts.sluice'));
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'scheme');
  writeFileSync(join(repo, 'eu_payouts.sluice'), readFileSync(join(repo, 'eu_payouts.sluice'), 'utf8').replace('fee 0.5% + 0.20', 'fee 0.4% + 0.20'));

  it('as the external diff driver (diff=sluice), git diff prints the semantic diff', () => {
    writeFileSync(join(repo, '.gitattributes'), '*.sluice diff=sluice\n');
    git(repo, 'config', 'diff.sluice.command', `"${process.execPath}" "${bin}" diff`);
    const out = git(repo, 'diff');
    expect(out).toContain('## sluice diff: a/eu_payouts.sluice → b/eu_payouts.sluice');
    expect(out).toMatch(/~ route acme_eur\n\s+fee\s+0\.5% \+ 0\.20 → 0\.4% \+ 0\.20/);
  });

  it('an added scheme (old side /dev/null) gets its lines, and git goes on', () => {
    writeFileSync(join(repo, 'new.sluice'), 'scheme fresh\nmode test\n');
    git(repo, 'add', '-N', 'new.sluice');
    const out = git(repo, 'diff', '--', 'new.sluice');
    expect(out).toContain('--- /dev/null');
    expect(out).toContain('+scheme fresh');
  });

  it('as a textconv (diff --textconv), git diff compares the canonical layouts', () => {
    writeFileSync(join(repo, '.gitattributes'), '*.sluice diff=sluicetext\n');
    git(repo, 'config', 'diff.sluicetext.textconv', `"${process.execPath}" "${bin}" diff --textconv`);
    // A change of layout alone is no change in the canonical text.
    writeFileSync(join(repo, 'eu_payouts.sluice'), readFileSync(join(repo, 'eu_payouts.sluice'), 'utf8').replace('service sepa_eur {', 'service   sepa_eur   {'));
    const out = git(repo, 'diff', '--', 'eu_payouts.sluice');
    expect(out).toContain('-route acme_eur EUR fee 0.5% + 0.20');
    expect(out).toContain('+route acme_eur EUR fee 0.4% + 0.20');
    expect(out).not.toContain('service   sepa_eur');
  });
});
