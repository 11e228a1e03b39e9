// `sluice build`: the standalone module decides exactly as the in-process compile, runs in a
// node that forbids code generation from strings, and holds hostile source text as data.
// Modules are written under test/artifacts (inside the package, so `sluice/standalone`
// resolves by self-reference, as it would from a service's node_modules) and run in one
// child `node --disallow-code-generation-from-strings` per suite.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { compile, type CompiledScheme } from '../compiler/compile.js';
import { SerializeError, valueSource } from '../compiler/serialize.js';
import { buildModule } from '../compiler/standalone.js';
import { encodeString } from '../grammar/strings.js';
import { decide, expandTrace } from '../index.js';
import type { StandaloneScheme } from '../runtime/standalone.js';
import { requestArb, schemeArb, stateArb } from './gen-scheme.js';

const ROOT = join(import.meta.dirname, '..');
const SEED = 20261123;

interface Case {
  readonly request: unknown;
  readonly state?: unknown;
  readonly trace: boolean;
}

interface Job {
  readonly source: string;
  readonly cases: readonly Case[];
}

interface ChildReport {
  readonly codegenBlocked: boolean;
  readonly pwned: unknown;
  readonly results: readonly (readonly unknown[])[];
}

// The child: imports each module and decides its cases; every outcome (or error) as JSON.
const RUNNER = `
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const jobs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let codegenBlocked = false;
try { new Function('return 1'); } catch { codegenBlocked = true; }
const results = [];
for (const job of jobs) {
  const m = await import(pathToFileURL(job.module).href);
  results.push(job.cases.map((c) => {
    try {
      const d = m.decide(c.request, c.state, { trace: c.trace });
      return c.trace && d.trace ? { ...d, expanded: m.expandTrace(d.trace) } : d;
    } catch (e) { return { error: String(e) }; }
  }));
}
writeFileSync(process.argv[3], JSON.stringify({ codegenBlocked, pwned: globalThis.pwned, results }));
`;

let dir = '';

beforeAll(() => {
  const dist = join(ROOT, 'dist/runtime/standalone.js');
  const newest = Math.max(...readdirSync(join(ROOT, 'runtime')).map((f) => statSync(join(ROOT, 'runtime', f)).mtimeMs));
  if ((statSync(dist, { throwIfNoEntry: false })?.mtimeMs ?? 0) < newest) throw new Error('dist/ is stale: run `npx tsc -p tsconfig.json` (npm test does)');
  mkdirSync(join(ROOT, 'test/artifacts'), { recursive: true });
  dir = mkdtempSync(join(ROOT, 'test/artifacts/standalone-'));
  writeFileSync(join(dir, 'runner.mjs'), RUNNER);
});

// KEEP_STANDALONE=1 keeps the built modules and reports for a look.
afterAll(() => process.env.KEEP_STANDALONE ? undefined : rmSync(dir, { recursive: true, force: true }));

let built = 0;

/** Builds a scheme's module under the artifacts directory; its path. */
function writeModule(source: string): string {
  const result = buildModule(source, { sourceName: 'scheme.sluice' });
  expect(result.module, JSON.stringify(result.diagnostics)).toBeDefined();
  const path = join(dir, `scheme${built++}.mjs`);
  writeFileSync(path, result.module!);
  return path;
}

/** Builds each job's module, decides every case in one child node, and returns its report. */
function runBuilt(jobs: readonly Job[]): { report: ChildReport; modules: string[] } {
  const modules = jobs.map((job) => writeModule(job.source));
  const input = join(dir, `jobs${built}.json`);
  const output = join(dir, `report${built}.json`);
  writeFileSync(input, JSON.stringify(jobs.map((job, i) => ({ module: modules[i], cases: job.cases }))));
  execFileSync(process.execPath, ['--disallow-code-generation-from-strings', join(dir, 'runner.mjs'), input, output], { stdio: 'pipe' });
  return { report: JSON.parse(readFileSync(output, 'utf8')) as ChildReport, modules };
}

/** What the in-process compile decides, through JSON as the child's results come. */
function expected(scheme: CompiledScheme, c: Case): unknown {
  const d = decide(scheme, c.request, c.state, { trace: c.trace });
  return JSON.parse(JSON.stringify(c.trace && d.status !== 'invalid' ? { ...d, expanded: expandTrace(scheme, d.trace) } : d));
}

/** Runs the jobs built and in process; every decision, trace included (compact and expanded), must be equal. */
function expectSameDecisions(jobs: readonly Job[]): ChildReport {
  const { report } = runBuilt(jobs);
  expect(report.codegenBlocked).toBe(true);
  jobs.forEach((job, i) => {
    const scheme = compile(job.source).scheme!;
    expect(report.results[i]).toEqual(job.cases.map((c) => expected(scheme, c)));
  });
  return report;
}

const INVALID: readonly unknown[] = [
  { amount: '1.001', currency: 'EUR', service: 's1' },
  { amount: '1e3', currency: 'EUR', service: 's1' },
  { amount: -5, currency: 'XYZ', service: '', country: 'ZZ', created_at: 'yesterday' },
  { currency: 'EUR', service: 's1', attempt: 0, fields: { tier: 'x', seg: 'z', vip: 1 } },
  'not an object',
];

/** Each request decided with and without a trace, against its state. */
function cases(pairs: readonly { request: unknown; state?: unknown }[]): Case[] {
  return pairs.flatMap((p, i) => [{ ...p, trace: i % 2 === 0 }, { ...p, trace: i % 2 === 1 }]);
}

function generatedPairs(n: number, seed: number): { request: unknown; state?: unknown }[] {
  const requests = fc.sample(requestArb, { seed, numRuns: n });
  const states = fc.sample(stateArb, { seed: seed + 1, numRuns: n });
  return requests.map((request, i) => (i % 5 === 4 ? { request } : { request, state: states[i] }));
}

describe('sluice build: the module decides exactly as the in-process compile', () => {
  it('for the examples, on their cases and on variations of them', () => {
    const examples: readonly [string, string][] = [
      ['eu_payouts.sluice', 'eu_payouts.cases.json'],
      ['global_payouts.sluice', 'global_payouts.cases.json'],
      ['language_section2.sluice', 'eu_payouts.cases.json'],
    ];
    const jobs = examples.map(([scheme, file]) => {
      const base = JSON.parse(readFileSync(join(ROOT, 'examples', file), 'utf8')) as { request: Record<string, unknown>; state?: unknown }[];
      const varied = fc.sample(requestArb, { seed: SEED, numRuns: 60 }).map((r, i) => {
        const b = base[i % base.length]!;
        const { amount, currency, country, attempt, created_at } = r as Record<string, unknown>;
        return { request: { ...b.request, amount, currency, country, attempt, created_at }, state: b.state };
      });
      const invalid = INVALID.map((request) => ({ request }));
      return { source: readFileSync(join(ROOT, 'examples', scheme), 'utf8'), cases: cases([...base, ...varied, ...invalid]) };
    });
    expectSameDecisions(jobs);
  });

  it('for generated schemes (fixed seed) on generated requests and states', () => {
    const schemes = fc.sample(schemeArb, { seed: SEED, numRuns: 40 });
    const jobs = schemes.map((source, i) => ({ source, cases: cases([...generatedPairs(24, SEED + i), ...INVALID.map((request) => ({ request }))]) }));
    expectSameDecisions(jobs);
  });

  it('validates own fields only: an omitted `constructor` is absent, an omitted required `__proto__` is missing', () => {
    const source =
      'scheme s\nfield constructor string\nfield __proto__ string required\nroute a EUR\n' +
      'service x {\n  when fields.constructor = "c" or fields.__proto__ = "p" {\n    optimal a\n  }\n}\n';
    const base = { amount: '1.00', currency: 'EUR', service: 'x' };
    const requests = [{ ...base, fields: {} }, { ...base, fields: JSON.parse('{"__proto__": "p"}') }, { ...base, fields: JSON.parse('{"__proto__": "q", "constructor": "c"}') }];
    const report = expectSameDecisions([{ source, cases: requests.map((request) => ({ request, trace: false })) }]);
    expect(report.results[0]!.map((d) => (d as { status: string }).status)).toEqual(['invalid', 'routed', 'routed']);
    expect((report.results[0]![0] as { errors: unknown }).errors).toEqual([{ path: '/fields/__proto__', message: 'is required' }]);
  });

  it('for long chains (indexed dispatch trees, switch functions split in parts)', () => {
    const countries = ['DE', 'FR', 'US', 'IT', 'ES'];
    const branches = Array.from({ length: 300 }, (_, i) => {
      const c = countries[i % countries.length];
      return `  ${i ? '} else ' : ''}when country = ${c} and fields.seg = "${'abc'[i % 3]}" and amount > ${i} {\n    ${i % 7 ? 'optimal eur_a, eur_b' : 'reject "r' + i + '"'}`;
    });
    const source = [
      'scheme long',
      'field seg one_of "a", "b", "c"',
      'route eur_a EUR fee 1%',
      'route eur_b EUR fee 0.50',
      'service s1 {',
      ...branches,
      '  } else {\n    cost eur_b\n  }',
      '}',
      '',
    ].join('\n');
    const requests = countries.flatMap((country) =>
      ['a', 'b', 'c', undefined].flatMap((seg) => [5, 150, 299.5, 400].map((amount) => ({ request: { amount, currency: 'EUR', service: 's1', country, fields: seg ? { seg } : {} } }))),
    );
    expectSameDecisions([{ source, cases: cases(requests) }]);
  });
});

describe('sluice build: the module carries what the in-process compile derives', () => {
  it('the same settings, field kinds and money literal currencies, for the examples and generated schemes', async () => {
    const settingLines = ['scheme bare', 'scheme all\nmode live\nrates fx\nbase USD\nattempts 3\np2p first'];
    const sources = [
      ...['eu_payouts.sluice', 'global_payouts.sluice', 'language_section2.sluice'].map((f) => readFileSync(join(ROOT, 'examples', f), 'utf8')),
      ...settingLines.map((s) => `${s}\nfield k int\nroute a EUR\nblock big when amount > 10 USD\nservice s {\n  optimal a\n}\n`),
      ...fc.sample(schemeArb, { seed: SEED + 3, numRuns: 20 }),
    ];
    for (const source of sources) {
      const built = ((await import(pathToFileURL(writeModule(source)).href)) as { scheme: StandaloneScheme }).scheme;
      const scheme = compile(source).scheme!;
      expect(built.settings).toEqual(scheme.settings);
      expect([...built.fieldKinds]).toEqual([...scheme.fieldKinds]);
      for (const service of [...scheme.ast.statements.flatMap((s) => (s.kind === 'ServiceStmt' ? [s.name.name] : [])), 'unknown']) {
        expect(built.program.moneyCurrencies(service)).toEqual(scheme.program.moneyCurrencies(service));
        expect(built.traced.moneyCurrencies(service)).toEqual(scheme.traced.moneyCurrencies(service));
      }
    }
  });
});

describe('sluice build: the module needs no code generation from strings', () => {
  it('contains no new Function or eval, for the examples and generated schemes', () => {
    const sources = [
      ...['eu_payouts.sluice', 'global_payouts.sluice', 'language_section2.sluice'].map((f) => readFileSync(join(ROOT, 'examples', f), 'utf8')),
      ...fc.sample(schemeArb, { seed: SEED + 7, numRuns: 20 }),
    ];
    for (const source of sources) {
      const module = buildModule(source).module!;
      expect(module).not.toMatch(/new\s+Function|\beval\s*\(|\bFunction\s*\(/);
      expect(module).toMatch(/^import \{ standaloneScheme \} from "sluice\/standalone";$/m);
    }
  });

  it('does not build a scheme with errors; reports its diagnostics', () => {
    const result = buildModule('scheme bad\nservice s {\n  optimal nowhere\n}\n');
    expect(result.module).toBeUndefined();
    expect(result.diagnostics.some((d) => d.code === 'E_UNKNOWN_ROUTE')).toBe(true);
  });
});

const HOSTILE = [
  '"', '\\', "'", '`', '${', '}', '*/', '/*', '//', '\u2028', '\u2029', '\n', '\r', '\t', '\u0000', '</script>',
  '"); globalThis.pwned = 1; ("', "'); globalThis.pwned = 1; ('", '`; globalThis.pwned = 1; `', '${globalThis.pwned = 1}',
  '*/ globalThis.pwned = 1; /*', 'eval("globalThis.pwned = 1")', '\uD83D\uDE00',
];
const NAMES = ['__proto__', 'constructor', 'prototype', 'to_string', 'has_own_property', 'value_of'];

function hostileScheme(name: string, text: string): string {
  const s = encodeString(text);
  return `scheme ${name}
field ${name} one_of ${s}, "other"
field note string
route ${name} EUR
route b EUR
block ${name} when fields.note = ${s} and point = ${s}

service ${name} {
  when fields.${name} = ${s} {
    reject ${s}
  } else when last_error in [${s}] or country = DE and fields.${name} in [${s}, "other"] {
    optimal ${name}
  } else {
    optimal b, ${name}
  }
}
`;
}

describe('sluice build: hostile strings and names in the source are data in the module', () => {
  it('decides like the in-process compile and runs none of them', () => {
    const jobs = NAMES.flatMap((name, n) =>
      HOSTILE.map((text, t) => ({
        source: hostileScheme(name, `${text}${HOSTILE[(t + n + 1) % HOSTILE.length]}`),
        cases: cases([
          { request: { amount: '10.00', currency: 'EUR', service: name, fields: { [name]: text }, point: text } },
          { request: { amount: '10.00', currency: 'EUR', service: name, country: 'DE', fields: { [name]: 'other' }, last_error: text } },
          { request: { amount: '10.00', currency: 'EUR', service: name, fields: { [name]: 'other', note: text }, point: text } },
          { request: { amount: '10.00', currency: 'EUR', service: name, fields: { [name]: text.repeat(2) } } },
        ]),
      })),
    );
    // The hostile text really reaches each scheme, so the property is not vacuous.
    for (const job of jobs) expect(compile(job.source).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const report = expectSameDecisions(jobs);
    expect(report.pwned).toBeUndefined();
  });

  it('writes the source file name as data in the header comment', () => {
    const module = buildModule('scheme s\n', { sourceName: 'a\u2028b\n*/ c.sluice' }).module!;
    expect(module.split('\n')[0]).toBe('// Built by `sluice build` from "a\\u2028b\\n*/ c.sluice". Do not edit: rebuild from the scheme.');
  });
});

async function sluice(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

describe('sluice build (command line)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sluice-build-'));
  const example = join(ROOT, 'examples/eu_payouts.sluice');

  it('writes the module with -o; with --runtime PATH it runs from outside the package', async () => {
    const out = join(tmp, 'eu.mjs');
    const r = await sluice('build', example, '-o', out, '--runtime', join(ROOT, 'dist/runtime/standalone.js'));
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    const requestText = "{ amount: '100.00', currency: 'EUR', service: 'sepa_eur', country: 'DE', fields: { kyc_level: 3 } }";
    const script = `const m = await import(${JSON.stringify(out)}); console.log(JSON.stringify(m.decide(${requestText}, undefined, { trace: false })));`;
    const printed = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script], { cwd: tmp }).toString();
    const scheme = compile(readFileSync(example, 'utf8')).scheme!;
    const request = { amount: '100.00', currency: 'EUR', service: 'sepa_eur', country: 'DE', fields: { kyc_level: 3 } };
    expect(JSON.parse(printed)).toEqual(JSON.parse(JSON.stringify(decide(scheme, request, undefined, { trace: false }))));
    expect(JSON.parse(printed)).toMatchObject({ status: 'routed' });
  });

  it('prints the module without -o', async () => {
    const r = await sluice('build', example);
    expect(r.code).toBe(0);
    expect(r.out).toBe(buildModule(readFileSync(example, 'utf8'), { sourceName: example }).module);
  });

  it('exits 1 with diagnostics when the scheme does not compile', async () => {
    const bad = join(tmp, 'bad.sluice');
    writeFileSync(bad, 'scheme bad\nservice s {\n  optimal nowhere\n}\n');
    const r = await sluice('build', bad, '-o', join(tmp, 'bad.mjs'));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}:3:11: error: `);
    expect(statSync(join(tmp, 'bad.mjs'), { throwIfNoEntry: false })).toBeUndefined();
  });

  it('exits 2 on bad arguments and unreadable or unwritable files', async () => {
    expect((await sluice('build')).code).toBe(2);
    expect((await sluice('build', example, '--bogus')).code).toBe(2);
    expect((await sluice('build', example, '-o')).code).toBe(2);
    expect((await sluice('build', example, example)).code).toBe(2);
    const missing = await sluice('build', join(tmp, 'missing.sluice'), '-o', join(tmp, 'x.mjs'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no such file');
    const unwritable = await sluice('build', example, '-o', join(tmp, 'no/such/dir/x.mjs'));
    expect(unwritable.code).toBe(2);
    expect(unwritable.err).toContain('sluice build: ');
  });

  it('is listed in the usage', async () => {
    expect((await sluice('help')).out).toContain('sluice build FILE -o OUT.mjs');
  });
});

/** Evaluates printed source (in the test only: the module itself never does this). */
function evaluate(value: unknown): unknown {
  const { declarations, expression } = valueSource(value);
  return new Function(`${declarations.join('\n')}\nreturn ${expression};`)();
}

describe('values printed as source (compiler/serialize.ts)', () => {
  it('round-trips the kinds a compiled scope holds, shared objects shared', () => {
    const rat = { n: -12345678901234567890n, d: 7n };
    const route = { name: 'a', fee: rat, calc: { feeA: 3, feeB: 10n ** 30n } };
    const value = [rat, route, [route, route], new Set(['x', 1]), new Map([['EUR', new Int32Array([0, 2, -1])]]), Object.freeze([]), -0, NaN, Infinity, null, undefined, true];
    const back = evaluate(value) as unknown[];
    expect(back).toEqual(value);
    expect(back[0]).toBe((back[1] as typeof route).fee);
    expect((back[2] as unknown[])[0]).toBe(back[1]);
    expect((back[4] as Map<string, unknown>).get('EUR')).toBeInstanceOf(Int32Array);
    expect(Object.isFrozen(back[5])).toBe(true);
    expect(Object.is(back[6], -0)).toBe(true);
  });

  it('keeps hostile keys and strings as data; __proto__ stays an own property', () => {
    const keys = Object.fromEntries([...HOSTILE, ...NAMES].map((k, i) => [k, `${k}${i}`]));
    const back = evaluate(keys) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.entries(back)).toEqual(Object.entries(keys));
    const bare = Object.create(null) as Record<string, unknown>;
    bare['__proto__'] = 1;
    expect(Object.getPrototypeOf(evaluate(bare))).toBeNull();
  });

  it('refuses what is not plain data, naming where it is', () => {
    class Quote {}
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(() => valueSource([{ f: () => 1 }], 'K')).toThrow(new SerializeError('cannot build a module: K[0].f is a function, not plain data'));
    expect(() => valueSource({ q: new Quote() }, 'K')).toThrow('K.q is an instance of Quote');
    expect(() => valueSource([new Date(0)], 'K')).toThrow('an instance of Date');
    expect(() => valueSource(cycle, 'K')).toThrow('part of a cycle');
    expect(() => valueSource({ get x() { return 1; } }, 'K')).toThrow('accessor');
    expect(() => valueSource([1, , 2], 'K')).toThrow('holes');
    expect(() => valueSource({ [Symbol('s')]: 1 }, 'K')).toThrow('symbol key');
  });
});
