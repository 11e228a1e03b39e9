// Money read exactly and paid for real (issue 13): number amounts a double cannot hold are
// refused, a debit that rounds to zero is never routed, fields are the request's own
// properties, and a route whose min is above its max is flagged.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../compiler/check.js';
import { compile, type CompiledScheme } from '../compiler/compile.js';
import { interpret } from '../compiler/interpret.js';
import { decide } from '../index.js';
import { decideWith } from '../runtime/decide.js';
import { inexactNumber, isExactNumber } from '../runtime/json-numbers.js';
import { toRequest } from '../runtime/request.js';
import { parseState } from '../runtime/state.js';

const SEED = 20261124;

function compiled(source: string): CompiledScheme {
  const r = compile(source);
  if (!r.scheme) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.scheme;
}

/** The decision by the compiled program and by the reference interpreter, which must agree. */
function bothWays(scheme: CompiledScheme, request: Record<string, unknown>, state: unknown) {
  const d = decide(scheme, request, state, { trace: false });
  if (d.status === 'invalid') return d;
  const interpreted = decideWith(interpret(scheme.ast), toRequest(request, scheme.fieldKinds), parseState(state).state, { trace: false });
  expect({ status: interpreted.status, allocations: interpreted.allocations, resolution: interpreted.resolution }).toEqual({ status: d.status, allocations: d.allocations, resolution: d.resolution });
  return d;
}

describe('number amounts', () => {
  const scheme = compiled('scheme s\nroute a EUR\nroute y JPY\nservice x {\n  optimal a\n}\nservice yen {\n  optimal y\n}\n');
  const request = (amount: unknown, currency = 'EUR', service = 'x') => ({ amount, currency, service });

  it('refuses a number amount of more than 15 significant digits, which a double may have rounded', () => {
    // 90071992547409.93 is held as 90071992547409.9375 and would be paid as ...94.
    const d = decide(scheme, request(90071992547409.93), undefined);
    expect(d).toMatchObject({ status: 'invalid', errors: [{ path: '/amount', message: expect.stringContaining('at most 15 significant digits') }] });
    expect(decide(scheme, request(9007199254740993, 'JPY', 'yen'), undefined).status).toBe('invalid');
  });

  it('decides the same amount sent as a string, exactly', () => {
    const d = decide(scheme, request('90071992547409.93'), undefined, { trace: false });
    expect(d).toMatchObject({ status: 'routed', allocations: [{ amount: '90071992547409.93' }] });
  });

  it('reads a number amount of up to 15 significant digits as the caller wrote it', () => {
    expect(decide(scheme, request(9999999999999.99), undefined, { trace: false })).toMatchObject({ status: 'routed', allocations: [{ amount: '9999999999999.99' }] });
    expect(decide(scheme, request(0.1), undefined, { trace: false })).toMatchObject({ status: 'routed', allocations: [{ amount: '0.10' }] });
  });

  it('every number of at most 15 significant digits comes back from a double as written', () => {
    const literal = fc.tuple(fc.bigInt({ min: 1n, max: 10n ** 15n - 1n }), fc.integer({ min: 0, max: 14 })).map(([digits, scale]) => {
      const s = digits.toString().padStart(scale + 1, '0');
      return scale === 0 ? s : `${s.slice(0, -scale)}.${s.slice(-scale)}`;
    });
    fc.assert(
      fc.property(literal, (text) => {
        expect(inexactNumber(`{"amount": ${text}}`)).toBeUndefined();
        expect(isExactNumber(Number(text))).toBe(true);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});

describe('JSON text numbers (the service checks each body before trusting JSON.parse)', () => {
  it('names the path of a number that JSON.parse would round', () => {
    expect(inexactNumber('{"data": {"attributes": {"point_amount": 90071992547409.93}}}')).toEqual({ path: '/data/attributes/point_amount', literal: '90071992547409.93' });
    expect(inexactNumber('{"request": {"fields": {"a/b~": [1, 2, 100.0000000000000001]}}}')).toEqual({ path: '/request/fields/a~1b~0/2', literal: '100.0000000000000001' });
    expect(inexactNumber('[1e400]')).toEqual({ path: '/0', literal: '1e400' });
  });

  it('passes numbers a double holds exactly, however they are written, and digits inside strings', () => {
    const texts = [
      '{"a": 1e2, "b": 1.50, "c": -0, "d": 9007199254740992, "e": 0.000001}',
      '{"x": "12345678901234567890.123", "y\\"": 1234567890123456e-3}',
      '[true, false, null, 12345678901234.5]',
    ];
    for (const text of texts) {
      expect(inexactNumber(text), text).toBeUndefined();
    }
  });

  it('finds an inexact number after strings with escaped quotes and nested arrays', () => {
    const text = '{"s": "a\\"b\\\\", "t": [[{"k": [0, 0.1]}], {"u": 12345678901234567}]}';
    expect(JSON.parse(text)).toBeTruthy();
    expect(inexactNumber(text)).toEqual({ path: '/t/1/u', literal: '12345678901234567' });
  });
});

describe('debits that round to zero', () => {
  const STATE = { rates: { 'EUR/USD': '0.0001' } };

  it('a route whose debit rounds to 0.00 is filtered, never routed', () => {
    const scheme = compiled('scheme s\nroute tiny USD\nservice x {\n  optimal tiny\n}\n');
    const d = bothWays(scheme, { amount: '1.00', currency: 'EUR', service: 'x' }, STATE);
    expect(d).toMatchObject({ status: 'failed', resolution: 'STRATEGY_CONFIGURED_ROUTES_WERE_FILTERED' });
    const traced = decide(scheme, { amount: '1.00', currency: 'EUR', service: 'x' }, STATE, { trace: true });
    expect(JSON.stringify(traced)).toContain('debit rounds to zero');
    // An amount whose debit is at least a cent is routed as before.
    expect(bothWays(scheme, { amount: '50.00', currency: 'EUR', service: 'x' }, STATE)).toMatchObject({ status: 'routed', allocations: [{ amount: '0.01' }] });
  });

  it('goes on to the next route when the first would pay nothing', () => {
    const scheme = compiled('scheme s\nroute tiny USD\nroute plain EUR\nservice x {\n  cost tiny, plain\n}\n');
    expect(bothWays(scheme, { amount: '1.00', currency: 'EUR', service: 'x' }, STATE)).toMatchObject({ status: 'routed', route: 'plain' });
  });

  it('a split takes no piece whose debit rounds to zero', () => {
    // `tiny` cannot take 100.40 whole (a debit of 0.01 is over its daily cap); split, `capped`
    // takes 100.00 and the last 0.40 would be a debit of 0.00 through `tiny`.
    const scheme = compiled('scheme s\nroute capped EUR max 100\nroute tiny USD daily 0.001\nservice x {\n  optimal capped, tiny split\n}\n');
    expect(bothWays(scheme, { amount: '100.40', currency: 'EUR', service: 'x' }, STATE)).toMatchObject({ status: 'failed', resolution: 'STRATEGY_CONFIGURED_ROUTES_WERE_FILTERED' });
    expect(bothWays(scheme, { amount: '100.00', currency: 'EUR', service: 'x' }, STATE)).toMatchObject({ status: 'routed', allocations: [{ route: 'capped', amount: '100.00' }] });
  });
});

describe('fields named like Object.prototype members', () => {
  const scheme = compiled(
    'scheme s\nfield constructor string\nfield __proto__ string required\nroute a EUR\n' +
      'service x {\n  when fields.constructor = "c" or fields.__proto__ = "p" {\n    optimal a\n  }\n}\n',
  );
  const base = { amount: '1.00', currency: 'EUR', service: 'x' };

  it('a request omitting a required __proto__ field is refused', () => {
    expect(decide(scheme, { ...base, fields: {} }, undefined)).toEqual({ status: 'invalid', errors: [{ path: '/fields/__proto__', message: 'is required' }] });
  });

  it('a request omitting an optional constructor field is valid, and both fields are read as sent', () => {
    expect(bothWays(scheme, { ...base, fields: JSON.parse('{"__proto__": "p"}') }, undefined)).toMatchObject({ status: 'routed' });
    expect(bothWays(scheme, { ...base, fields: JSON.parse('{"__proto__": "q", "constructor": "c"}') }, undefined)).toMatchObject({ status: 'routed' });
    expect(bothWays(scheme, { ...base, fields: JSON.parse('{"__proto__": "q"}') }, undefined)).toMatchObject({ status: 'failed' });
  });
});

describe('min above max', () => {
  it('warns W_MIN_ABOVE_MAX at the min, and only when min exceeds max', () => {
    const codes = (src: string) => checkSource(src).diagnostics.filter((d) => d.code === 'W_MIN_ABOVE_MAX').map((d) => `${d.span.start.line}:${d.span.start.column} ${d.severity}`);
    const scheme = (route: string) => `scheme s\n${route}\nservice x {\n  optimal a\n}\n`;
    expect(codes(scheme('route a EUR min 500 max 100'))).toEqual(['2:13 warning']);
    expect(codes(scheme('route a EUR max 100.00 min 100.01'))).toEqual(['2:24 warning']);
    expect(codes(scheme('route a EUR min 100 max 100.00'))).toEqual([]);
    expect(codes(scheme('route a EUR min 500'))).toEqual([]);
  });
});
