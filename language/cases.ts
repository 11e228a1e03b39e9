// A scheme's cases (NAME.cases.json beside NAME.sluice): each case's request is decided and its
// `expect` compared with the decision, key by key. `sluice test` prints the outcomes and
// `sluice lsp` shows the failures as diagnostics at the line that decided.
import type { CompiledScheme } from '../compiler/compile.js';
import { decide, expandTrace } from '../index.js';
import { decisionJson } from '../runtime/decision-json.js';

export interface CaseOutcome {
  readonly name: string;
  /** Why the case fails; empty when it passes. */
  readonly problems: readonly string[];
}

interface Case {
  readonly request: unknown;
  readonly state?: unknown;
  readonly expect: Record<string, unknown>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** NAME.sluice and NAME.cases.json beside it, from either path (or file URI). */
export function casePair(path: string): { readonly scheme: string; readonly cases: string } {
  const stem = path.replace(/(?:\.cases\.json|\.sluice)$/, '');
  return { scheme: `${stem}.sluice`, cases: `${stem}.cases.json` };
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

function runCase(c: Case, scheme: CompiledScheme): string[] {
  const result = decide(scheme, c.request, c.state);
  if (c.expect['invalid'] === true) return result.status === 'invalid' ? [] : [`expected an invalid request, got status ${result.status}`];
  if (result.status === 'invalid') return result.errors.map((e) => `unexpectedly invalid: ${e.path}: ${e.message}`);
  return compareExpect(c.expect, decisionJson(result));
}

/** Each case's outcome, in order; undefined when `cases` is not a list. */
export function runCases(scheme: CompiledScheme, cases: unknown): CaseOutcome[] | undefined {
  if (!Array.isArray(cases)) return undefined;
  return cases.map((raw: unknown, i) => {
    const name = isObject(raw) && typeof raw['name'] === 'string' ? raw['name'] : `case ${i + 1}`;
    const problems = isObject(raw) && isObject(raw['expect']) ? runCase(raw as unknown as Case, scheme) : ['the case needs "request" and "expect"'];
    return { name, problems };
  });
}

/** The scheme line of the last step of the case's traced decision (where it was decided), if any. */
export function decidedAt(scheme: CompiledScheme, raw: unknown): number | undefined {
  if (!isObject(raw)) return undefined;
  const result = decide(scheme, raw['request'], raw['state'], { trace: true });
  if (result.status === 'invalid') return undefined;
  const lines = expandTrace(scheme, result.trace).map((e) => e['line']);
  return lines.filter((l): l is number => typeof l === 'number').at(-1);
}
