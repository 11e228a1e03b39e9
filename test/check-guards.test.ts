// `require` and the warnings that keep a scheme failing closed (LANGUAGE.md §2): each with its
// code, line and column, and the fix its message names.
import { describe, expect, it } from 'vitest';
import { checkSource } from '../compiler/check.js';
import { compile } from '../compiler/compile.js';
import { diffSchemes } from '../compiler/diff/diff.js';
import { format } from '../grammar/format.js';
import { parse } from '../grammar/parse.js';

const src = (...lines: string[]) => `${lines.join('\n')}\n`;

interface Case {
  readonly why: string;
  readonly source: string;
  readonly code: string;
  readonly at: readonly [line: number, column: number] | null;
  readonly says?: string;
}

const at = (source: string, code: string) =>
  checkSource(source)
    .diagnostics.filter((d) => d.code === code)
    .map((d) => ({ at: [d.span.start.line, d.span.start.column], message: d.message, severity: d.severity }));

const SANCTIONS = 'block sanctions when country in [KP, IR]';
const service = (strategy: string) => ['service s {', `  ${strategy}`, '}'];

const CASES: readonly Case[] = [
  { why: 'a block reads country, which a request may leave out', source: src('scheme x', SANCTIONS), code: 'W_BLOCK_OPTIONAL', at: [2, 22], says: 'add `require country`' },
  { why: 'require country: the block reads what every request carries', source: src('scheme x', 'require country', SANCTIONS), code: 'W_BLOCK_OPTIONAL', at: null },
  { why: 'hour is read from created_at', source: src('scheme x', 'block night when hour < 6'), code: 'W_BLOCK_OPTIONAL', at: [2, 18], says: 'add `require created_at`' },
  { why: 'require created_at covers hour and weekday', source: src('scheme x', 'require created_at', 'block night when hour < 6 or weekday = sun'), code: 'W_BLOCK_OPTIONAL', at: null },
  { why: 'an optional field in a block', source: src('scheme x', 'field kyc int', 'block low when fields.kyc < 2'), code: 'W_BLOCK_OPTIONAL', at: [3, 16], says: 'add required to field kyc' },
  { why: 'a required field in a block', source: src('scheme x', 'field kyc int required', 'block low when fields.kyc < 2'), code: 'W_BLOCK_OPTIONAL', at: null },
  { why: 'amount, currency and service are always there', source: src('scheme x', 'block big when amount > 100 and currency = EUR and service = s'), code: 'W_BLOCK_OPTIONAL', at: null },
  { why: 'each attribute once per block, at its first use', source: src('scheme x', 'block b when country = DE or country = FR'), code: 'W_BLOCK_OPTIONAL', at: [2, 14] },
  { why: 'a GBP route under optimal with base left to EUR', source: src('scheme x', 'route g GBP', ...service('optimal g')), code: 'W_BASE_DEFAULT', at: [4, 11], says: 'set `base GBP`' },
  { why: 'balance compares in base too', source: src('scheme x', 'route e EUR', 'route u USD', ...service('balance e, u')), code: 'W_BASE_DEFAULT', at: [5, 14], says: 'USD/EUR rate' },
  { why: 'any split compares in base', source: src('scheme x', 'route u USD', ...service('cost u split')), code: 'W_BASE_DEFAULT', at: [4, 8] },
  { why: 'cost without split does not compare in base', source: src('scheme x', 'route u USD', ...service('cost u')), code: 'W_BASE_DEFAULT', at: null },
  { why: 'base set explicitly, even to EUR', source: src('scheme x', 'base EUR', 'route u USD', ...service('optimal u')), code: 'W_BASE_DEFAULT', at: null },
  { why: 'routes in EUR with base left to EUR', source: src('scheme x', 'route e EUR', ...service('weight e 100%')), code: 'W_BASE_DEFAULT', at: null },
  { why: 'min above max', source: src('scheme x', 'route a EUR min 500 max 100', ...service('optimal a')), code: 'W_MIN_ABOVE_MAX', at: [2, 13] },
  {
    why: 'require takes no unknown attribute',
    source: src('scheme x', 'require country, colour'),
    code: 'E_UNKNOWN_ATTRIBUTE',
    at: [2, 18],
    says: 'require takes country, point, created_at, last_error',
  },
  { why: 'require takes no attribute every request has', source: src('scheme x', 'require amount'), code: 'E_NOT_REQUIRABLE', at: [2, 9] },
  { why: 'hour is read from created_at, which is what require names', source: src('scheme x', 'require hour'), code: 'E_NOT_REQUIRABLE', at: [2, 9] },
];

describe('require and the fail-closed warnings', () => {
  it.each(CASES)('$why: $code at $at', ({ source, code, at: position, says }) => {
    const found = at(source, code);
    if (position === null) {
      expect(found).toEqual([]);
      return;
    }
    expect(found.map((f) => f.at)).toEqual([position]);
    expect(found[0]!.severity).toBe(code.startsWith('E_') ? 'error' : 'warning');
    if (says) expect(found[0]!.message).toContain(says);
  });

  it('parses, formats and round-trips require lines', () => {
    const source = src('scheme x', 'require   country ,created_at', 'require last_error');
    const formatted = format(source);
    if (!formatted.ok) throw new Error('did not format');
    expect(formatted.text).toBe(src('scheme x', 'require country, created_at', 'require last_error'));
    expect(parse(formatted.text).ast.statements.filter((s) => s.kind === 'RequireStmt').map((s) => s.kind === 'RequireStmt' && s.attributes.map((a) => a.name))).toEqual([
      ['country', 'created_at'],
      ['last_error'],
    ]);
  });

  it('makes the attributes required in the request schema: a request without one is invalid', () => {
    const scheme = compile(src('scheme x', 'require country, created_at', 'route a EUR', SANCTIONS, ...service('optimal a'))).scheme!;
    const request = { amount: '10.00', currency: 'EUR', service: 's', country: 'DE', created_at: '2026-12-03T10:00:00Z' };
    expect(scheme.validate(request)).toEqual([]);
    const { country: _country, ...withoutCountry } = request;
    expect(scheme.validate(withoutCountry)).toEqual([{ path: '/country', message: 'is required' }]);
    const { created_at: _createdAt, ...withoutTime } = request;
    expect(scheme.validate(withoutTime)).toEqual([{ path: '/created_at', message: 'is required' }]);
  });

  it('is a setting the semantic diff names', () => {
    const before = parse(src('scheme x', 'route a EUR', ...service('optimal a'))).ast;
    const after = parse(src('scheme x', 'require created_at, country', 'route a EUR', ...service('optimal a'))).ast;
    expect(diffSchemes(before, after).settings).toEqual([
      { attribute: 'require', old: '(none)', new: 'country, created_at' },
    ]);
  });
});
