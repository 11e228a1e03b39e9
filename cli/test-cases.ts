// `sluice test FILE...`: runs NAME.cases.json against NAME.sluice (either file may be named)
// and compares each case's `expect` with the decision, key by key.
import { basename, dirname, join } from 'node:path';
import { decide } from '../index.js';
import { decisionJson } from '../runtime/decision-json.js';
import { EXIT, readJson, type Output } from './io.js';
import { loadScheme } from './scheme.js';

export const TEST_USAGE = 'sluice test FILE...';

interface Case {
  readonly name: string;
  readonly request: unknown;
  readonly state?: unknown;
  readonly expect: Record<string, unknown>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Differences between `expected` and `actual` (LANGUAGE examples' rule: named keys only; null = null or absent). */
export function compareExpect(expected: unknown, actual: unknown, path = ''): string[] {
  if (expected === null) return actual === null || actual === undefined ? [] : [`${path || '/'}: expected null, got ${JSON.stringify(actual)}`];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return [`${path}: expected ${expected.length} item(s), got ${Array.isArray(actual) ? actual.length : JSON.stringify(actual)}`];
    }
    return expected.flatMap((e, i) => compareExpect(e, actual[i], `${path}/${i}`));
  }
  if (isObject(expected)) {
    if (!isObject(actual)) return [`${path || '/'}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.entries(expected).flatMap(([k, v]) => compareExpect(v, Object.hasOwn(actual, k) ? actual[k] : undefined, `${path}/${k}`));
  }
  return expected === actual ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

function pair(file: string): { scheme: string; cases: string } {
  const dir = dirname(file);
  const name = basename(file).replace(/\.cases\.json$|\.sluice$/, '');
  return { scheme: join(dir, `${name}.sluice`), cases: join(dir, `${name}.cases.json`) };
}

function runCase(c: Case, scheme: Parameters<typeof decide>[0]): string[] {
  const result = decide(scheme, c.request, c.state);
  if (c.expect['invalid'] === true) return result.status === 'invalid' ? [] : [`expected an invalid request, got status ${result.status}`];
  if (result.status === 'invalid') return result.errors.map((e) => `unexpectedly invalid: ${e.path}: ${e.message}`);
  return compareExpect(c.expect, decisionJson(result));
}

function testFile(file: string, io: Output): { passed: number; failed: number } | number {
  const { scheme: schemeFile, cases: casesFile } = pair(file);
  const scheme = loadScheme(schemeFile, io);
  if (!scheme.ok) return scheme.exit;
  const json = readJson(casesFile);
  if (!json.ok || !Array.isArray(json.value)) {
    io.err(`sluice test: ${json.ok ? `${casesFile}: expected a list of cases` : json.message}\n`);
    return EXIT.usage;
  }
  let passed = 0;
  let failed = 0;
  io.out(`${casesFile}\n`);
  for (const [i, raw] of (json.value as unknown[]).entries()) {
    const c = raw as Case;
    const name = isObject(raw) && typeof raw['name'] === 'string' ? raw['name'] : `case ${i + 1}`;
    const problems = isObject(raw) && isObject(raw['expect']) ? runCase(c, scheme.value) : ['the case needs "request" and "expect"'];
    if (problems.length === 0) passed++;
    else failed++;
    io.out(`  ${problems.length ? '✗' : '✓'} ${name}\n${problems.map((p) => `      ${p}\n`).join('')}`);
  }
  return { passed, failed };
}

export function testCommand(argv: readonly string[], io: Output): number {
  if (argv.length === 0 || argv.some((a) => a.startsWith('--'))) {
    io.err(`sluice test: ${argv.length ? `unknown option ${argv.find((a) => a.startsWith('--'))}` : 'no files given'}\nusage: ${TEST_USAGE}\n`);
    return EXIT.usage;
  }
  let passed = 0;
  let failed = 0;
  for (const file of argv) {
    const r = testFile(file, io);
    if (typeof r === 'number') return r;
    passed += r.passed;
    failed += r.failed;
  }
  io.out(`\n${passed} passed, ${failed} failed\n`);
  return failed ? EXIT.failed : EXIT.ok;
}
