// The documented limits (grammar/limits.ts, docs/language.md "Limits"): a source over one gets
// one diagnostic with a code and the position of the token that crossed it, never a crash
// or a hang; a source at the limit is read as usual.
import { describe, expect, it } from 'vitest';
import { checkSource } from '../compiler/check.js';
import { compile } from '../compiler/compile.js';
import type { Diagnostic } from '../grammar/diagnostics.js';
import { format } from '../grammar/format.js';
import { LIMITS, parse } from '../grammar/parse.js';

const HEAD = 'scheme x\nroute a EUR\nservice s {\n  when ';
const TAIL = ' {\n    optimal a\n  }\n}\n';
/** `when CONDITION` on line 4, from column 8. */
const withCondition = (condition: string) => HEAD + condition + TAIL;

function where(d: Diagnostic | undefined): string {
  return d ? `${d.code} ${d.span.start.line}:${d.span.start.column}` : 'none';
}

/** Parses, checks, formats and compiles; the first error, after at most `ms` milliseconds. */
function firstError(source: string, ms = 5000): Diagnostic | undefined {
  const started = performance.now();
  const errors = checkSource(source).diagnostics.filter((d) => d.severity === 'error');
  format(source);
  expect(compile(source).scheme === undefined).toBe(errors.length > 0);
  expect(performance.now() - started).toBeLessThan(ms);
  return errors[0];
}

describe('limits', () => {
  it('reads a source at the size limit, and refuses a larger one at 1:1', () => {
    const line = (i: number) => `route r${String(i).padStart(6, '0')} EUR fee 0.5% + 0.20 min 1 max 25000\n`;
    const routes = Array.from({ length: Math.floor((LIMITS.sourceLength - 200) / line(0).length) }, (_, i) => line(i));
    const source = `scheme big\n${routes.join('')}service s {\n  optimal r000000\n}\n`;
    expect(source.length).toBeGreaterThan(LIMITS.sourceLength - 200);
    expect(source.length).toBeLessThanOrEqual(LIMITS.sourceLength);
    const checked = checkSource(source);
    expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(checked.ast.statements).toHaveLength(routes.length + 2);
    expect(where(parse(source + '#'.repeat(LIMITS.sourceLength)).diagnostics[0])).toBe('E_TOO_LARGE 1:1');
    expect(where(firstError('x'.repeat(LIMITS.sourceLength + 1)))).toBe('E_TOO_LARGE 1:1');
  });

  it('refuses 10k-deep parentheses at the first one too deep', () => {
    const deep = (n: number) => withCondition(`${'('.repeat(n)}amount > 1${')'.repeat(n)}`);
    // The service's `{` is one level: the 64th `(` is the 65th level.
    expect(where(firstError(deep(10_000)))).toBe(`E_TOO_DEEP 4:${8 + 63}`);
    expect(where(firstError(deep(64)))).toBe(`E_TOO_DEEP 4:${8 + 63}`);
    expect(where(firstError(deep(63)))).toBe('none');
  });

  it('refuses 10k-deep `not` the same way, counting `not` and brackets together', () => {
    expect(where(firstError(withCondition(`${'not '.repeat(10_000)}amount > 1`)))).toBe(`E_TOO_DEEP 4:${8 + 63 * 4}`);
    expect(where(firstError(withCondition(`${'not ('.repeat(40)}amount > 1${')'.repeat(40)}`)))).toBe(`E_TOO_DEEP 4:${8 + 31 * 5 + 4}`);
    expect(where(firstError(withCondition(`${'not '.repeat(63)}amount > 1`)))).toBe('none');
    // `not` applies up to the next `and`/`or`: side by side, they do not add up.
    expect(where(firstError(withCondition(Array.from({ length: 400 }, () => 'not not amount > 1').join(' and '))))).toBe('none');
  });

  it('refuses a 100k-element list at the item past the limit', () => {
    const list = (n: number) => withCondition(`country in [${Array.from({ length: n }, () => 'DE').join(', ')}]`);
    // `country in [` ends at column 20; each further item takes 4 columns (`, DE`).
    const comma = 20 + 2 + (LIMITS.listLength - 1) * 4;
    expect(where(firstError(list(100_000)))).toBe(`E_TOO_LONG 4:${comma}`);
    expect(where(firstError(list(LIMITS.listLength + 1)))).toBe(`E_TOO_LONG 4:${comma}`);
    expect(where(firstError(list(LIMITS.listLength)))).toBe('none');
    const routes = Array.from({ length: LIMITS.listLength + 1 }, (_, i) => `r${i}`);
    expect(firstError(`scheme x\nservice s {\n  optimal ${routes.join(', ')}\n}\n`)?.code).toBe('E_TOO_LONG');
  });

  it('refuses a condition with too many operators, and compiles one at the limit, nested', () => {
    const chain = (n: number, op: string) => Array.from({ length: n + 1 }, () => 'amount > 1').join(` ${op} `);
    expect(firstError(withCondition(chain(LIMITS.conditionOperators + 1, 'and')))?.code).toBe('E_TOO_LONG');
    expect(firstError(withCondition(chain(50_000, 'or')))?.code).toBe('E_TOO_LONG');
    const nested = `${'('.repeat(60)}${chain(LIMITS.conditionOperators, 'or')}${')'.repeat(60)}`;
    expect(where(firstError(withCondition(nested)))).toBe('none');
    expect(where(firstError(`scheme x\nroute a EUR\nblock b when not ${nested}\nservice s {\n  optimal a\n}\n`))).toBe('none');
  });

  it('counts `{` with the rest: nested branches past the limit are refused', () => {
    const branches = (n: number) => `${'when amount > 1 {\n'.repeat(n)}optimal a\n${'}\n'.repeat(n)}`;
    expect(where(firstError(`scheme x\nroute a EUR\nservice s {\n${branches(63)}}\n`))).toBe('none');
    expect(where(firstError(`scheme x\nroute a EUR\nservice s {\n${branches(64)}}\n`))).toBe('E_TOO_DEEP 67:17');
  });

  it('reports at most 100 errors of a kind, quickly, then E_TOO_MANY_ERRORS', () => {
    for (const source of ['scheme x\n' + 'route\n'.repeat(160_000), '\\ '.repeat(400_000), `scheme x\nservice s {\n  reject "${'\\q'.repeat(300_000)}"\n}\n`]) {
      const started = performance.now();
      const { diagnostics } = parse(source);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(diagnostics.length).toBeLessThanOrEqual(LIMITS.errors + 2);
      expect(diagnostics.map((d) => d.code)).toContain('E_TOO_MANY_ERRORS');
    }
  });
});
