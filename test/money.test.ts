import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COUNTRY_CODES, isCountry } from '../runtime/countries.js';
import { CURRENCY_CODES, isCurrency, minorUnits } from '../runtime/currencies.js';
import { rateTable } from '../runtime/rates.js';
import {
  add,
  cmp,
  div,
  fromMinor,
  inv,
  isZero,
  mul,
  neg,
  ONE,
  parseDecimal,
  parseJsonDecimal,
  rat,
  ratToString,
  roundedText,
  roundHalfUp,
  sub,
  toDecimalString,
  ZERO,
  type Rat,
} from '../runtime/rational.js';

const RUNS = { seed: 42, numRuns: 300 };

const arbRat = fc
  .tuple(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.bigInt({ min: 1n, max: 10n ** 9n }))
  .map(([n, d]) => rat(n, d));
const arbNonZero = arbRat.filter((r) => !isZero(r));

/** A decimal string `-?\d+(\.\d+)?` with up to `maxFrac` fraction digits. */
function arbDecimal(maxFrac: number): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.boolean(),
      fc.bigInt({ min: 0n, max: 10n ** 12n }),
      fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: maxFrac }),
    )
    .map(([negative, int, frac]) => `${negative ? '-' : ''}${int}${frac === '' ? '' : `.${frac}`}`);
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function expectNormal(r: Rat): void {
  expect(r.d > 0n).toBe(true);
  expect(gcd(r.n, r.d)).toBe(1n);
}

/** Reference half-up rounding done on the digits of the string, not on numbers. */
function roundByString(s: string, scale: number): bigint {
  const negative = s.startsWith('-');
  const [int, frac = ''] = (negative ? s.slice(1) : s).split('.');
  const padded = frac.padEnd(scale + 1, '0');
  const magnitude = BigInt(int + padded.slice(0, scale)) + (padded[scale]! >= '5' ? 1n : 0n);
  return negative ? -magnitude : magnitude;
}

/** s written with exactly `scale` fraction digits; "-0.0" is written "0.0" (zero has no sign). */
function padTo(s: string, scale: number): string {
  const [int, frac = ''] = (/^-0(\.0*)?$/.test(s) ? s.slice(1) : s).split('.');
  return scale === 0 ? int! : `${int}.${frac.padEnd(scale, '0')}`;
}

const sign = (r: Rat): -1 | 0 | 1 => (r.n < 0n ? -1 : r.n > 0n ? 1 : 0);

describe('rational arithmetic is exact', () => {
  it('results are normalized', () => {
    fc.assert(
      fc.property(arbRat, arbNonZero, (a, b) => {
        for (const r of [add(a, b), sub(a, b), mul(a, b), div(a, b)!, neg(a), inv(b)!]) expectNormal(r);
      }),
      RUNS,
    );
  });

  it('(a + b) - b = a and (a * b) / b = a', () => {
    fc.assert(
      fc.property(arbRat, arbNonZero, (a, b) => {
        expect(sub(add(a, b), b)).toEqual(a);
        expect(div(mul(a, b), b)).toEqual(a);
        expect(mul(b, inv(b)!)).toEqual(ONE);
      }),
      RUNS,
    );
  });

  it('add and mul are commutative and distribute', () => {
    fc.assert(
      fc.property(arbRat, arbRat, arbRat, (a, b, c) => {
        expect(add(a, b)).toEqual(add(b, a));
        expect(mul(a, b)).toEqual(mul(b, a));
        expect(mul(a, add(b, c))).toEqual(add(mul(a, b), mul(a, c)));
      }),
      RUNS,
    );
  });

  it('division by zero is undefined', () => {
    expect(div(ONE, ZERO)).toBeUndefined();
    expect(inv(ZERO)).toBeUndefined();
    expect(inv(rat(-2n, 3n))).toEqual({ n: -3n, d: 2n });
  });

  it('cmp is a total order consistent with sub', () => {
    fc.assert(
      fc.property(arbRat, arbRat, arbRat, (a, b, c) => {
        expect(cmp(a, b)).toBe(sign(sub(a, b)));
        expect(cmp(b, a)).toBe(-cmp(a, b) || 0); // `|| 0`: -0 is not 0 to toBe
        expect(cmp(a, b) === 0).toBe(a.n === b.n && a.d === b.d);
        if (cmp(a, b) <= 0 && cmp(b, c) <= 0) expect(cmp(a, c)).toBeLessThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it('rat normalizes sign and common factors', () => {
    expect(rat(6n, -4n)).toEqual({ n: -3n, d: 2n });
    expect(rat(0n, -7n)).toEqual(ZERO);
    expect(() => rat(1n, 0n)).toThrow(RangeError);
  });
});

describe('parseDecimal', () => {
  it('parses exactly', () => {
    expect(parseDecimal('1.0850')).toEqual(rat(217n, 200n));
    expect(parseDecimal('-0.05')).toEqual(rat(-1n, 20n));
    expect(parseDecimal('-0')).toEqual(ZERO);
    expect(parseDecimal('007')).toEqual(rat(7n));
  });

  it('agrees with the bigint reading on both sides of the fast path (15 digits)', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(fc.boolean(), digits, fc.option(digits, { nil: undefined }), (negative, whole, frac) => {
        const text = `${negative ? '-' : ''}${whole}${frac === undefined ? '' : `.${frac}`}`;
        const n = BigInt(whole + (frac ?? ''));
        expect(parseDecimal(text)).toEqual(rat(negative ? -n : n, 10n ** BigInt(frac?.length ?? 0)));
      }),
      RUNS,
    );
  });

  it.each(['1e3', '1.', '.5', ' 1', '1 ', '+1', 'NaN', 'Infinity', '', '-', '1,5', '0x10', '١'])(
    'rejects %j',
    (s) => expect(parseDecimal(s)).toBeUndefined(),
  );
});

describe('rounding and formatting', () => {
  it('roundHalfUp matches a string-based reference', () => {
    fc.assert(
      fc.property(arbDecimal(10), fc.integer({ min: 0, max: 6 }), (s, scale) => {
        expect(roundHalfUp(parseDecimal(s)!, scale)).toBe(roundByString(s, scale));
      }),
      RUNS,
    );
  });

  it('toDecimalString(roundHalfUp(parseDecimal(s))) roundtrips when s has <= scale digits', () => {
    fc.assert(
      fc.property(arbDecimal(4), fc.integer({ min: 0, max: 4 }), (s, extra) => {
        const frac = s.split('.')[1] ?? '';
        const scale = frac.length + extra;
        expect(toDecimalString(roundHalfUp(parseDecimal(s)!, scale), scale)).toBe(padTo(s, scale));
      }),
      RUNS,
    );
  });

  it('rounds half away from zero', () => {
    expect(roundHalfUp(parseDecimal('0.125')!, 2)).toBe(13n);
    expect(roundHalfUp(parseDecimal('-0.125')!, 2)).toBe(-13n);
    expect(roundHalfUp(parseDecimal('0.124999')!, 2)).toBe(12n);
    expect(roundHalfUp(parseDecimal('-0.5')!, 0)).toBe(-1n);
    expect(roundHalfUp(rat(1n, 3n), 2)).toBe(33n);
    expect(roundHalfUp(rat(-2n, 3n), 2)).toBe(-67n);
  });

  it.each([
    [100n, 2, '1.00'],
    [13n, 0, '13'],
    [26n, 3, '0.026'],
    [-5n, 2, '-0.05'],
    [0n, 2, '0.00'],
    [-1234n, 0, '-1234'],
  ] as const)('toDecimalString(%s, %s) = %j', (units, scale, text) => {
    expect(toDecimalString(units, scale)).toBe(text);
  });

  it('ratToString is exact', () => {
    expect(ratToString(rat(217n, 200n))).toBe('1.085');
    expect(ratToString(rat(-1n, 3n))).toBe('-1/3');
    expect(ratToString(rat(42n))).toBe('42');
    expect(ratToString(fromMinor(26n, 3))).toBe('0.026');
  });
});

describe('money', () => {
  // An amount leaves the engine rounded once to its currency's minor unit.
  const money = (r: Rat, currency: string) => roundedText(r, minorUnits(currency));

  it('converts, adds markup, and rounds once: 100.00 EUR → 108.61 USD', () => {
    const amount = parseJsonDecimal('100.00')!;
    const exact = mul(mul(amount, parseDecimal('1.0850')!), add(ONE, parseDecimal('0.001')!));
    expect(ratToString(exact)).toBe('108.6085');
    expect(money(exact, 'USD')).toBe('108.61');
  });

  it('fee 0.3% × 108.61 + 0.10 = 0.42583 → 0.43', () => {
    const fee = add(mul(rat(3n, 1000n), parseDecimal('108.61')!), parseDecimal('0.10')!);
    expect(ratToString(fee)).toBe('0.42583');
    expect(money(fee, 'USD')).toBe('0.43');
  });

  it('fee 0.5% × 20000 + 0.20 = 100.20', () => {
    const fee = add(mul(rat(5n, 1000n), parseDecimal('20000')!), parseDecimal('0.20')!);
    expect(money(fee, 'EUR')).toBe('100.20');
  });

  it('formats exactly the currency minor digits', () => {
    expect(money(rat(13n), 'JPY')).toBe('13');
    expect(money(rat(13n, 500n), 'KWD')).toBe('0.026');
    expect(money(ONE, 'EUR')).toBe('1.00');
    expect(money(parseDecimal('12.5')!, 'JPY')).toBe('13');
    expect(fromMinor(26n, minorUnits('KWD'))).toEqual(rat(13n, 500n));
  });

  it('reads a JSON amount exactly and rejects non-decimals', () => {
    expect(parseJsonDecimal('0.125')).toEqual(rat(1n, 8n));
    expect(parseJsonDecimal(0.1)).toEqual(rat(1n, 10n));
    expect(parseJsonDecimal(1234.5)).toEqual(rat(2469n, 2n));
    expect(parseJsonDecimal(-0)).toEqual(ZERO);
    for (const bad of [1e21, 1e-7, Number.NaN, Number.POSITIVE_INFINITY, '1e3', null, true]) {
      expect(parseJsonDecimal(bad)).toBeUndefined();
    }
  });

  it('reads a JSON number as parseDecimal reads its text', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e15, max: 1e15, noNaN: true }), (x) => {
        const text = String(x);
        expect(parseJsonDecimal(x)).toEqual(/e/i.test(text) ? undefined : parseDecimal(text));
      }),
      RUNS,
    );
  });

  it('rounds to within half a minor unit', () => {
    fc.assert(
      fc.property(arbRat, fc.constantFrom('EUR', 'JPY', 'KWD', 'CLF'), (r, cur) => {
        const err = sub(fromMinor(roundHalfUp(r, minorUnits(cur)), minorUnits(cur)), r);
        const half = rat(1n, 2n * 10n ** BigInt(minorUnits(cur)));
        expect(cmp(err, half)).toBeLessThanOrEqual(0);
        expect(cmp(neg(half), err)).toBeLessThanOrEqual(0);
      }),
      RUNS,
    );
  });
});

describe('rates', () => {
  it('uses a given pair as given and derives the exact inverse', () => {
    const { table, errors } = rateTable({ 'EUR/USD': '1.0850', 'GBP/EUR': 1.17 });
    expect(errors).toEqual([]);
    expect(table.rate('EUR', 'USD')).toEqual(rat(217n, 200n));
    expect(table.rate('USD', 'EUR')).toEqual(rat(200n, 217n));
    expect(table.rate('GBP', 'EUR')).toEqual(rat(117n, 100n));
    expect(table.rate('JPY', 'JPY')).toEqual(ONE);
    // No chaining through a third currency.
    expect(table.rate('GBP', 'USD')).toBeUndefined();
  });

  it('keeps both directions when both are given', () => {
    const { table } = rateTable({ 'EUR/USD': '1.10', 'USD/EUR': '0.90' });
    expect(table.rate('EUR', 'USD')).toEqual(rat(11n, 10n));
    expect(table.rate('USD', 'EUR')).toEqual(rat(9n, 10n));
  });

  it('inverse rate times rate is exactly 1', () => {
    fc.assert(
      fc.property(arbDecimal(8), (s) => {
        const text = s.replace(/^-/, '');
        fc.pre(!isZero(parseDecimal(text)!));
        const { table } = rateTable({ 'EUR/USD': text });
        expect(mul(table.rate('EUR', 'USD')!, table.rate('USD', 'EUR')!)).toEqual(ONE);
      }),
      RUNS,
    );
  });

  it('reports and skips invalid entries', () => {
    const raw: Record<string, string | number> = {
      EURUSD: '1.1',
      'eur/usd': '1.1',
      'EUR/XYZ': '1.1',
      'EUR/GBP': '0',
      'EUR/JPY': '-160',
      'EUR/CHF': '1e0',
      'EUR/EUR': '2',
      'USD/USD': '1.00',
      'EUR/SEK': '11.5',
    };
    const { table, errors } = rateTable(raw);
    expect(errors).toHaveLength(7);
    expect(table.rate('EUR', 'SEK')).toEqual(rat(23n, 2n));
    expect(table.rate('EUR', 'GBP')).toBeUndefined();
    expect(table.rate('EUR', 'CHF')).toBeUndefined();
  });

  it('accepts an absent table and never consults the prototype', () => {
    const { table, errors } = rateTable(undefined);
    expect(errors).toEqual([]);
    expect(table.rate('EUR', 'USD')).toBeUndefined();
    const parsed = JSON.parse('{"__proto__": "1", "constructor/toString": "2"}') as Record<string, string>;
    expect(rateTable(parsed).errors).toHaveLength(2);
    expect(table.rate('__proto__', 'constructor')).toBeUndefined();
  });
});

describe('code lists', () => {
  it('knows ISO 4217 currencies and their exponents', () => {
    expect(CURRENCY_CODES).toHaveLength(178);
    const expected: Record<string, number> = {
      EUR: 2, USD: 2, JPY: 0, KWD: 3, BHD: 3, CLF: 4, UYW: 4, ISK: 0, XAU: 0, XDR: 0, XCG: 2, ZWG: 2,
    };
    for (const [code, exp] of Object.entries(expected)) expect(minorUnits(code)).toBe(exp);
    for (const code of ['__proto__', 'constructor', 'toString', 'eur', 'BGN', 'HRK', '']) {
      expect(isCurrency(code)).toBe(false);
    }
    expect(() => minorUnits('XYZ')).toThrow(RangeError);
  });

  it('knows the 249 ISO 3166-1 alpha-2 countries', () => {
    expect(COUNTRY_CODES).toHaveLength(249);
    expect(new Set(COUNTRY_CODES).size).toBe(249);
    for (const code of ['DE', 'KP', 'SS', 'AX', 'BQ']) expect(isCountry(code)).toBe(true);
    for (const code of ['__proto__', 'constructor', 'UK', 'EU', 'XK', 'de', 'AN']) {
      expect(isCountry(code)).toBe(false);
    }
  });
});
