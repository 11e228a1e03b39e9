import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check, checkSource } from '../compiler/check.js';
import { parse } from '../grammar/parse.js';
import { KEYWORD_NAMES } from '../grammar/tokens.js';

const SEED = { seed: 20261122, numRuns: 300 };
const example = (file: string) => readFileSync(new URL(`../examples/${file}`, import.meta.url), 'utf8');
const EXAMPLE = example('eu_payouts.sluice');

const src = (...lines: string[]) => `${lines.join('\n')}\n`;

/** Each diagnostic as `line:column severity CODE`, the way a scheme author reads them. */
function found(source: string, code?: string): string[] {
  return checkSource(source)
    .diagnostics.filter((d) => code === undefined || d.code === code)
    .map((d) => `${d.span.start.line}:${d.span.start.column} ${d.severity} ${d.code}`);
}

interface Case {
  readonly why: string;
  readonly source: string;
  readonly code: string;
  readonly at: readonly [line: number, column: number];
  /** A part of the message, e.g. its "did you mean" hint. */
  readonly says?: string;
}

const ROUTE_A = ['scheme x', 'route a EUR'];
const service = (...body: string[]) => [...ROUTE_A, 'service s {', ...body, '}'];
const block = (condition: string) => src('scheme x', `block b when ${condition}`);
const fieldBlock = (field: string, condition: string) => src('scheme x', field, `block b when ${condition}`);

const ERRORS: readonly Case[] = [
  { why: 'no scheme line', source: src('route a EUR'), code: 'E_NO_SCHEME', at: [1, 1] },
  { why: 'scheme line not first', source: src('mode live', 'scheme x'), code: 'E_SCHEME_NOT_FIRST', at: [2, 1] },
  { why: 'route declared twice (the second name)', source: src(...service('  optimal a'), 'route a USD'), code: 'E_DUPLICATE', at: [6, 7] },
  { why: 'field declared twice', source: fieldBlock('field k int\nfield k string', 'fields.k = 1'), code: 'E_DUPLICATE', at: [3, 7] },
  { why: 'block declared twice', source: src('scheme x', 'block b when country = DE', 'block b when country = FR'), code: 'E_DUPLICATE', at: [3, 7] },
  { why: 'service declared twice', source: src(...service('  optimal a'), 'service s {', '  optimal a', '}'), code: 'E_DUPLICATE', at: [6, 9] },
  { why: 'scheme given twice', source: src('scheme x', 'scheme y'), code: 'E_DUPLICATE', at: [2, 1] },
  { why: 'mode given twice', source: src('scheme x', 'mode live', 'mode test'), code: 'E_DUPLICATE', at: [3, 1] },
  { why: 'rates given twice', source: src('scheme x', 'rates a', 'rates b'), code: 'E_DUPLICATE', at: [3, 1] },
  { why: 'base given twice', source: src('scheme x', 'base EUR', 'base USD'), code: 'E_DUPLICATE', at: [3, 1] },
  { why: 'attempts given twice', source: src('scheme x', 'attempts 1', 'attempts 2'), code: 'E_DUPLICATE', at: [3, 1] },
  { why: 'p2p first given twice', source: src('scheme x', 'p2p first', 'p2p first'), code: 'E_DUPLICATE', at: [3, 1] },
  { why: 'route listed twice in a strategy', source: src(...service('  optimal a, a')), code: 'E_DUPLICATE', at: [4, 14] },
  { why: 'one_of value listed twice', source: fieldBlock('field seg one_of "a", "b", "a"', 'fields.seg = "a"'), code: 'E_DUPLICATE', at: [2, 28] },
  { why: 'p2p option given twice', source: src('scheme x', 'route p EUR p2p', 'service s {', '  optimal p', '    p2p sort oldest, sort biggest', '}'), code: 'E_DUPLICATE', at: [5, 22] },
  { why: 'route option given twice', source: src(...service('  optimal a'), 'route b EUR fee 1 fee 2'), code: 'E_DUPLICATE', at: [6, 19] },
  { why: 'unknown route, with a hint', source: src('scheme x', 'route acme_eur EUR', 'service s {', '  optimal acme_eru', '}'), code: 'E_UNKNOWN_ROUTE', at: [4, 11], says: 'did you mean acme_eur?' },
  { why: 'undeclared field, with a hint', source: fieldBlock('field kyc_level int', 'fields.kyc_levl > 1'), code: 'E_UNKNOWN_FIELD', at: [3, 14], says: 'did you mean fields.kyc_level?' },
  { why: 'unknown attribute, with a hint', source: block('amout > 1'), code: 'E_UNKNOWN_ATTRIBUTE', at: [2, 14], says: 'did you mean amount?' },
  { why: 'a field read without fields.', source: fieldBlock('field kyc_level int', 'kyc_level > 1'), code: 'E_UNKNOWN_ATTRIBUTE', at: [3, 14], says: 'did you mean fields.kyc_level?' },
  { why: 'one_of value not in the list (the value)', source: fieldBlock('field seg one_of "retail", "vip"', 'fields.seg = "vpi"'), code: 'E_UNKNOWN_VALUE', at: [3, 27], says: 'did you mean "vip"?' },
  { why: 'one_of value in a list', source: fieldBlock('field seg one_of "retail", "vip"', 'fields.seg in ["vip", "gold"]'), code: 'E_UNKNOWN_VALUE', at: [3, 36] },
  { why: 'not a weekday', source: block('weekday = monday'), code: 'E_UNKNOWN_VALUE', at: [2, 24] },
  { why: 'country compared with a string', source: block('country = "DE"'), code: 'E_TYPE_MISMATCH', at: [2, 24], says: 'write DE without quotes' },
  { why: 'money compared with a string', source: block('amount = "x"'), code: 'E_TYPE_MISMATCH', at: [2, 23] },
  { why: 'int field compared with a string', source: fieldBlock('field kyc_level int', 'fields.kyc_level = "a"'), code: 'E_TYPE_MISMATCH', at: [3, 33] },
  { why: 'bool compared with a number', source: block('test_mode = 1'), code: 'E_TYPE_MISMATCH', at: [2, 26] },
  { why: 'int field compared with a fraction', source: fieldBlock('field kyc_level int', 'fields.kyc_level = 2.5'), code: 'E_TYPE_MISMATCH', at: [3, 33] },
  { why: 'money on a non-money attribute', source: block('hour = 10 EUR'), code: 'E_TYPE_MISMATCH', at: [2, 21] },
  { why: 'ordering a string', source: block('point < "a"'), code: 'E_ORDERING', at: [2, 20] },
  { why: 'ordering a currency', source: block('currency >= EUR'), code: 'E_ORDERING', at: [2, 23] },
  { why: 'ordering a country', source: block('country < DE'), code: 'E_ORDERING', at: [2, 22] },
  { why: 'ordering a service name', source: block('service > s'), code: 'E_ORDERING', at: [2, 22] },
  { why: 'ordering a bool', source: block('test_mode <= true'), code: 'E_ORDERING', at: [2, 24] },
  { why: 'ordering a weekday', source: block('weekday > mon'), code: 'E_ORDERING', at: [2, 22] },
  { why: 'ordering a one_of field', source: fieldBlock('field seg one_of "a"', 'fields.seg < "a"'), code: 'E_ORDERING', at: [3, 25] },
  { why: 'empty list', source: block('country in []'), code: 'E_EMPTY_LIST', at: [2, 25] },
  { why: 'route currency not in ISO 4217', source: src(...service('  optimal a'), 'route b EUX'), code: 'E_INVALID_CURRENCY', at: [6, 9], says: 'did you mean EUR?' },
  { why: 'base not in ISO 4217', source: src('scheme x', 'base EUX'), code: 'E_INVALID_CURRENCY', at: [2, 6] },
  { why: 'money literal currency not in ISO 4217', source: block('amount > 10 EUX'), code: 'E_INVALID_CURRENCY', at: [2, 26] },
  { why: 'currency comparison not in ISO 4217', source: block('currency = XYZ'), code: 'E_INVALID_CURRENCY', at: [2, 25] },
  { why: 'country not in ISO 3166-1', source: block('country in [DE, UK]'), code: 'E_INVALID_COUNTRY', at: [2, 30], says: 'GB' },
  { why: 'weights not summing to 100% (the keyword)', source: src(...service('  weight a 70%, a 20%')), code: 'E_WEIGHTS', at: [4, 3], says: '90%' },
  { why: 'weight route without a percentage', source: src(...service('  weight a 70%, b'), 'route b EUR'), code: 'E_WEIGHTS', at: [4, 17] },
  { why: 'percentage on another strategy', source: src(...service('  optimal a, b 50%'), 'route b EUR'), code: 'E_WEIGHTS', at: [4, 16] },
  {
    why: 'else after else (the second else)',
    source: src(...service('  when amount > 1 {', '    optimal a', '  } else {', '    optimal a', '  } else {', '    optimal a', '  }')),
    code: 'E_ELSE_AFTER_ELSE',
    at: [8, 5],
  },
  { why: 'attempts 0', source: src('scheme x', 'attempts 0'), code: 'E_INVALID_NUMBER', at: [2, 10] },
  { why: 'attempts not whole', source: src('scheme x', 'attempts 1.5'), code: 'E_INVALID_NUMBER', at: [2, 10] },
  { why: 'hour outside 0-23', source: block('hour > 24'), code: 'E_INVALID_NUMBER', at: [2, 21] },
  { why: 'fee over 100%', source: src(...service('  optimal a'), 'route b EUR fee 101%'), code: 'E_INVALID_NUMBER', at: [6, 17] },
  { why: 'markup over 100%', source: src(...service('  optimal a'), 'route b EUR markup 150%'), code: 'E_INVALID_NUMBER', at: [6, 20] },
  { why: 'p2p options with no p2p route', source: src(...service('  optimal a', '    p2p sort oldest')), code: 'E_P2P_OPTIONS', at: [5, 5] },
];

const WARNINGS: readonly Case[] = [
  { why: 'strategy naming a disabled route', source: src(...service('  optimal a, b'), 'route b EUR disabled'), code: 'W_DISABLED_ROUTE', at: [4, 14] },
  {
    why: 'branch covered by an earlier interval',
    source: src(...service('  when amount > 100 {', '    optimal a', '  } else when amount > 200 {', '    optimal a', '  }')),
    code: 'W_UNREACHABLE',
    at: [6, 15],
  },
  {
    why: 'branch covered by an earlier value set',
    source: src(...service('  when country in [DE, AT] {', '    optimal a', '  } else when country = DE and amount > 5 {', '    optimal a', '  }')),
    code: 'W_UNREACHABLE',
    at: [6, 15],
  },
  { why: 'branch whose condition never holds', source: src(...service('  when amount > 200 and amount < 100 {', '    optimal a', '  }')), code: 'W_UNREACHABLE', at: [4, 8] },
  {
    why: 'else after branches taking every value',
    source: src(...service('  when test_mode = true {', '    optimal a', '  } else when test_mode = false {', '    optimal a', '  } else {', '    optimal a', '  }')),
    code: 'W_UNREACHABLE',
    at: [8, 5],
  },
  { why: 'block that never matches', source: block('amount > 200 and amount < 100'), code: 'W_UNREACHABLE', at: [2, 14] },
  { why: 'block covered by an earlier block', source: src('scheme x', 'block a when country in [KP, IR]', 'block b when country = KP'), code: 'W_UNREACHABLE', at: [3, 14] },
  {
    why: 'plan with fewer distinct routes than attempts (the first strategy)',
    source: src('scheme x', 'attempts 3', 'route a EUR', 'route b EUR', 'service s {', '  cascade {', '    optimal a', '    weight a 50%, b 50%', '  }', '}'),
    code: 'W_FEW_ROUTES',
    at: [7, 5],
  },
  { why: 'route never used', source: src('scheme x', 'route a EUR'), code: 'W_UNUSED_ROUTE', at: [2, 7] },
  { why: 'field never used', source: src('scheme x', 'field k int'), code: 'W_UNUSED_FIELD', at: [2, 7] },
];

describe('check: every diagnostic at its token', () => {
  it.each(ERRORS.map((c) => ({ ...c, severity: 'error' })).concat(WARNINGS.map((c) => ({ ...c, severity: 'warning' }))))(
    '$code: $why',
    ({ source, code, severity, at, says }) => {
      expect(found(source, code)).toEqual([`${at[0]}:${at[1]} ${severity} ${code}`]);
      if (says) expect(checkSource(source).diagnostics.find((d) => d.code === code)?.message).toContain(says);
    },
  );
});

describe('check: what is fine', () => {
  const clean = (...lines: string[]) => expect(found(src(...lines))).toEqual([]);

  it('accepts weights summing exactly to 100%, decimals included', () => {
    clean(...service('  weight a 33.33%, b 33.33%, c 33.34%'), 'route b EUR', 'route c EUR');
    clean(...service('  weight a 0.1%, b 99.9%'), 'route b EUR');
  });

  it('sums weights exactly, never in floats', () => {
    const w = '33.333333333333333333%';
    expect(found(src(...service(`  weight a ${w}, b ${w}, c ${w}`), 'route b EUR', 'route c EUR'))).toEqual(['4:3 error E_WEIGHTS']);
  });

  it('keeps a branch that earlier branches only partly cover', () => {
    clean(...service('  when amount > 100 {', '    optimal a', '  } else when amount > 50 {', '    optimal a', '  }'));
    clean(...service('  when country in [DE] {', '    optimal a', '  } else when country = AT and amount > 5 {', '    optimal a', '  }'));
  });

  it('keeps what only an absent attribute reaches: not (x in L) holds then, x not in L does not', () => {
    const chain = (second: string) =>
      src(...service('  when country in [DE] {', '    optimal a', '  } else when country not in [DE] {', '    optimal a', `  } else when ${second} {`, '    optimal a', '  }'));
    expect(found(chain('not (country in [DE])'), 'W_UNREACHABLE')).toEqual([]);
    expect(found(chain('country != FR'), 'W_UNREACHABLE')).toEqual(['8:15 warning W_UNREACHABLE']);
  });

  it('joins open and closed bounds exactly: < 100, > 100 and = 100.0 leave nothing for else', () => {
    const chain = src(
      ...service('  when amount < 100 {', '    optimal a', '  } else when amount > 100 {', '    optimal a', '  } else when amount = 100.0 {', '    optimal a', '  } else {', '    optimal a', '  }'),
    );
    expect(found(chain)).toEqual(['10:5 warning W_UNREACHABLE']);
  });

  it('keeps amount in the request currency apart from amount converted to EUR', () => {
    clean(...service('  when amount > 100 EUR {', '    optimal a', '  } else when amount > 200 {', '    optimal a', '  }'));
  });

  it('counts integers as integers: hour < 12 and hour >= 12 leave only an absent hour', () => {
    const chain = src(
      ...service('  when hour < 12 {', '    optimal a', '  } else when hour >= 12 {', '    optimal a', '  } else when hour = 3 {', '    optimal a', '  } else {', '    optimal a', '  }'),
    );
    expect(found(chain)).toEqual(['8:15 warning W_UNREACHABLE']);
  });

  it('counts the distinct routes of a whole cascade, and not disabled ones', () => {
    clean('scheme x', 'attempts 2', 'route a EUR', 'route b EUR', 'service s {', '  cascade {', '    optimal a', '    cost b', '  }', '}');
    const withDisabled = src('scheme x', 'attempts 2', 'route a EUR', 'route b EUR disabled', 'service s {', '  optimal a, b', '}');
    expect(found(withDisabled, 'W_FEW_ROUTES')).toEqual(['6:3 warning W_FEW_ROUTES']);
  });

  it('does not count routes for attempts 1, for reject, or under an unreachable branch', () => {
    clean(...service('  optimal a'));
    const unreachable = src(
      ...['scheme x', 'attempts 2', 'route a EUR', 'route b EUR', 'service s {', '  when amount > 1 {', '    optimal a, b'],
      ...['  } else when amount > 2 {', '    optimal a', '  } else {', '    reject "none"', '  }', '}'],
    );
    expect(found(unreachable)).toEqual(['8:15 warning W_UNREACHABLE']);
  });

  it('takes every standard attribute with a value of its type', () => {
    const conditions = [
      'amount >= 10 EUR', 'amount < 5', 'currency = EUR', 'service = s', 'country in [DE, AT]', 'point = "p1"',
      'attempt > 1', 'last_error = "timeout"', 'hour <= 23', 'weekday in [sat, sun]', 'test_mode = false',
    ];
    // Required, so that no block reads what a request may leave out (W_BLOCK_OPTIONAL).
    clean('scheme x', 'require country, point, created_at, last_error', ...conditions.map((c, i) => `block b${i} when ${c}`));
  });

  it('accepts __proto__ and constructor as names', () => {
    clean('scheme x', 'field __proto__ int required', 'route constructor EUR', 'block b when fields.__proto__ = 1', 'service __proto__ {', '  optimal constructor', '}');
  });
});

describe('check: the example scheme', () => {
  it('has no errors and no warnings, as every example the editor opens', () => {
    expect(found(EXAMPLE)).toEqual([]);
    expect(found(example('global_payouts.sluice'))).toEqual([]);
  });

  it("LANGUAGE.md §2's example, kept as written, shows every statement: the disabled route and attempts 3 warn", () => {
    expect(found(example('language_section2.sluice'))).toEqual([
      '15:7 warning W_UNUSED_ROUTE',
      '23:7 warning W_FEW_ROUTES',
      '29:5 warning W_FEW_ROUTES',
      '34:3 warning W_FEW_ROUTES',
    ]);
  });

  it('exposes its declarations and settings', () => {
    const { symbols } = check(parse(EXAMPLE).ast);
    expect(symbols.settings).toEqual({ name: 'eu_payouts', mode: 'test', base: 'EUR', attempts: 2, rates: 'ecb_daily', p2pFirst: false });
    expect([...symbols.routes.keys()]).toEqual(['acme_eur', 'bankco_eur', 'p2p_eur', 'global_usd']);
    expect(symbols.fields.get('segment')?.type).toEqual({ kind: 'one_of', values: ['retail', 'business', 'vip'] });
    expect([...symbols.blocks.keys()]).toEqual(['sanctions', 'unverified']);
    expect([...symbols.services.keys()]).toEqual(['sepa_eur', 'p2p_card']);
  });

  it('defaults the settings a scheme leaves out', () => {
    expect(check(parse(src('scheme x')).ast).symbols.settings).toEqual({ name: 'x', mode: 'test', base: 'EUR', attempts: 1, rates: null, p2pFirst: false });
  });
});

describe('check: partial parses', () => {
  const broken = src('scheme x', 'route a EUR fee', 'base EUX', 'service s {', '  optimal a', '}');

  it('reports syntax errors and the rest, but not what a lost declaration would explain', () => {
    const codes = found(broken);
    expect(codes).toContain('3:6 error E_INVALID_CURRENCY');
    expect(codes.some((c) => c.endsWith('E_SYNTAX'))).toBe(true);
    expect(codes.filter((c) => /E_UNKNOWN_ROUTE|W_UNUSED|E_NO_SCHEME/.test(c))).toEqual([]);
  });
});

describe('check: a branch is never dropped silently', () => {
  it('reports a `when` without a condition at its brace', () => {
    const source = src('scheme x', 'route a EUR fee 0', 'service s {', '  when {', '    optimal a', '  } else {', '    optimal a', '  }', '}');
    expect(found(source)[0]).toBe('4:8 error E_SYNTAX');
  });
});

describe('check never throws', () => {
  const safe = (source: string) => {
    const parsed = parse(source);
    check(parsed.ast);
    check(parsed.ast, { partial: true });
    checkSource(source);
  };

  it('on random strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), safe), SEED);
  });

  it('on token soup of Sluice words', () => {
    const word = fc.constantFrom(
      ...KEYWORD_NAMES, '{', '}', '[', ']', '(', ')', ',', '+', '=', '!=', '<', '>=', '\n', '\n', 'EUR', 'DE', 'XX',
      '10', '0.5%', '3d', '"s"', 'name', 'fields.f', 'amount', 'country', 'weekday', 'mon', '#c\n',
    );
    fc.assert(fc.property(fc.array(word, { maxLength: 80 }), (ws) => safe(ws.join(' '))), SEED);
  });

  it('on mutations of the example: a token or line deleted, inserted or duplicated', () => {
    const tokens = parse(EXAMPLE).tokens.map((t) => ({ start: t.startOffset, end: t.startOffset + t.image.length, image: t.image }));
    const mutation = fc.record({
      op: fc.constantFrom('dropToken', 'dupToken', 'insertToken', 'dropLine', 'dupLine'),
      at: fc.nat(),
      other: fc.nat(),
    });
    const mutate = (source: string, m: { op: string; at: number; other: number }) => {
      if (m.op === 'dropLine' || m.op === 'dupLine') {
        const ls = source.split('\n');
        const at = m.at % ls.length;
        ls.splice(at, m.op === 'dropLine' ? 1 : 0, ...(m.op === 'dupLine' ? [ls[at]!] : []));
        return ls.join('\n');
      }
      const t = tokens[m.at % tokens.length]!;
      if (t.end > source.length) return source;
      if (m.op === 'dropToken') return source.slice(0, t.start) + source.slice(t.end);
      const inserted = m.op === 'dupToken' ? t.image : tokens[m.other % tokens.length]!.image;
      return `${source.slice(0, t.end)} ${inserted}${source.slice(t.end)}`;
    };
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => safe(ms.reduce(mutate, EXAMPLE))),
      SEED,
    );
  });
});
