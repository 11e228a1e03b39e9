// The hot path's integer arithmetic (numbers while safe, bigint beyond) must give exactly
// what the rational arithmetic gives, on both sides of 2^53.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { big, cmpInt, divHalfUp, mulDivHalfUp, mulInt, norm, roundUnits, scaledNumber, unitsString, type Int } from '../runtime/int.js';
import { cmp, mul, rat, roundHalfUp, toDecimalString } from '../runtime/rational.js';

const SEED = { seed: 424242, numRuns: 2000 };

// Integers around every interesting magnitude, up to well past Number.MAX_SAFE_INTEGER.
const bigInt = fc.oneof(
  fc.bigInt({ min: -1000n, max: 1000n }),
  fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }),
  fc.bigInt({ min: 2n ** 52n, max: 2n ** 54n }),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
);
const positive = bigInt.map((x) => (x < 0n ? -x : x) + 1n);
const asInt = (x: bigint): Int => norm(x);

describe('exact integers', () => {
  it('divHalfUp and mulDivHalfUp equal rounding the rational', () => {
    fc.assert(
      fc.property(bigInt, bigInt, positive, (x, a, b) => {
        expect(big(divHalfUp(asInt(x), asInt(b)))).toBe(roundHalfUp(rat(x, b), 0));
        expect(big(mulDivHalfUp(asInt(x), asInt(a), asInt(b)))).toBe(roundHalfUp(mul(rat(x), rat(a, b)), 0));
      }),
      SEED,
    );
  });

  it('mulInt is exact and stays a number only while safe', () => {
    fc.assert(
      fc.property(bigInt, bigInt, (x, a) => {
        const p = mulInt(asInt(x), asInt(a));
        expect(big(p)).toBe(x * a);
        expect(typeof p === 'number').toBe(Number.isSafeInteger(Number(x * a)) && -(2n ** 53n) < x * a && x * a < 2n ** 53n);
      }),
      SEED,
    );
  });

  it('compares, rounds, scales and formats like the rationals', () => {
    fc.assert(
      fc.property(bigInt, bigInt, positive, fc.integer({ min: 0, max: 6 }), (x, y, d, scale) => {
        expect(cmpInt(asInt(x), asInt(y))).toBe(cmp(rat(x), rat(y)));
        expect(big(roundUnits(rat(x, d), scale))).toBe(roundHalfUp(rat(x, d), scale));
        expect(unitsString(asInt(x), scale)).toBe(toDecimalString(x, scale));
        const micros = scaledNumber(rat(x, d), 6);
        const exact = rat(x * 1_000_000n, d);
        if (Number.isNaN(micros)) expect(exact.d !== 1n || !Number.isSafeInteger(Number(exact.n))).toBe(true);
        else expect(BigInt(micros)).toBe(exact.n);
      }),
      SEED,
    );
  });
});

describe('quotes in minor units', () => {
  const decimal = (maxDigits: number) =>
    fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: maxDigits })).map(([n, k]) => rat(n, 10n ** BigInt(k)));
  const routeArb = fc.record({
    currency: fc.constantFrom('USD', 'JPY', 'KWD'),
    feeRate: fc.option(decimal(4).map((r) => mul(r, rat(1n, 10n ** 8n))), { nil: null }),
    feeFixed: fc.option(decimal(4), { nil: null }),
    markup: fc.option(decimal(6).map((r) => mul(r, rat(1n, 10n ** 8n))), { nil: null }),
  });

  it('debit and fee equal the rational formula rounded once, half-up', async () => {
    const { quote, routeCalc } = await import('../runtime/quote.js');
    const { parseState } = await import('../runtime/state.js');
    const { minorUnits } = await import('../runtime/currencies.js');
    const { add, fromMinor, ONE } = await import('../runtime/rational.js');
    fc.assert(
      fc.property(routeArb, fc.bigInt({ min: 1n, max: 10n ** 20n }), fc.constantFrom('1.0850', '0.0000013', '157.25', '3'), (r, units, rate) => {
        const route = { ...r, name: 'x', min: null, max: null, daily: null, monthly: null, p2p: false, disabled: false };
        const def = { ...route, calc: routeCalc(route) };
        const state = parseState({ rates: { [`EUR/${r.currency}`]: rate } }).state;
        const req = {
          amount: fromMinor(units, 2),
          currency: 'EUR',
          scale: 2,
          units: norm(units),
          micros: NaN,
          service: 's',
          testMode: false,
          attempt: 1,
          exclude: new Set<string>(),
          fields: new Map(),
        };
        const ctx = { req, state, settings: { name: 's', mode: 'test' as const, base: 'EUR', attempts: 1, rates: null, p2pFirst: false }, trace: null };
        const q = quote(ctx, def, norm(units));
        const scale = minorUnits(r.currency);
        const exact = mul(mul(fromMinor(units, 2), state.rates.rate('EUR', r.currency)!), r.markup ? add(ONE, r.markup) : ONE);
        const debit = roundHalfUp(exact, scale);
        const fee = roundHalfUp(add(r.feeFixed ?? rat(0n), mul(r.feeRate ?? rat(0n), fromMinor(debit, scale))), scale);
        expect([big(q.debitUnits), big(q.feeUnits)]).toEqual([debit, fee]);
      }),
      { seed: 515151, numRuns: 1000 },
    );
  });
});
