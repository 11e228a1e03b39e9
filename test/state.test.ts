import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, decide, prepareState } from '../index.js';
import { CURRENCY_CODES } from '../runtime/currencies.js';
import { rateTable } from '../runtime/rates.js';
import { inv, parseJsonDecimal, type Rat } from '../runtime/rational.js';
import { parseState } from '../runtime/state.js';
import { requestArb, schemeArb, stateArb } from './gen-scheme.js';

const SEED = { seed: 20261203, numRuns: 200 };

// The table's meaning, written plainly: a pair as given, else the reciprocal of its reverse.
function referenceRate(raw: Record<string, unknown>, from: string, to: string): Rat | undefined {
  const valid = (key: string) => {
    const r = Object.hasOwn(raw, key) ? parseJsonDecimal(raw[key]) : undefined;
    return r !== undefined && r.n > 0n ? r : undefined;
  };
  if (from === to) return { n: 1n, d: 1n };
  return valid(`${from}/${to}`) ?? inv(valid(`${to}/${from}`) ?? { n: 0n, d: 1n });
}

const CODES = ['EUR', 'USD', 'GBP', 'JPY'];
const rateValue = fc.oneof(
  fc.constantFrom('1.0850', '0.86', '1', '0.0000001', '-1', '0', 'x', '1e3', ''),
  fc.constantFrom(1.085, 0.5, 2, -3, 1e21),
);
const rates = fc.dictionary(
  fc.oneof(fc.tuple(fc.constantFrom(...CODES), fc.constantFrom(...CODES)).map(([a, b]) => `${a}/${b}`), fc.constantFrom('EURUSD', 'eur/usd', 'XXX/EUR')),
  rateValue,
  { maxKeys: 6 },
);

describe('reading rates', () => {
  it('answers every pair as the plain reading does, however tables repeat, interleave or differ in one value', () => {
    fc.assert(
      fc.property(fc.array(rates, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), (tables, order) => {
        for (const i of order) {
          // A copy each time: the same text in new objects, as a caller reading its database sends it.
          const raw = structuredClone(tables[i % tables.length]!);
          const { table } = rateTable(raw);
          for (const from of CODES) for (const to of CODES) expect(table.rate(from, to)).toEqual(referenceRate(raw, from, to));
        }
      }),
      SEED,
    );
  });

  it('reports the same errors when a table is read again, and tells a number from the same text as a string', () => {
    const raw = { 'EUR/USD': '1e3', 'EURUSD': '1.1', 'USD/GBP': 1.25 };
    const first = rateTable(structuredClone(raw)).errors;
    expect(rateTable(structuredClone(raw)).errors).toEqual(first);
    expect(first.map((e) => e.key)).toEqual(['EUR/USD', 'EURUSD']);
    expect(rateTable({ 'USD/GBP': '1.25' }).table.rate('USD', 'GBP')).toEqual({ n: 5n, d: 4n });
    expect(rateTable({ 'EUR/USD': 1e21 }).errors).toHaveLength(1);
    expect(rateTable({ 'EUR/USD': '1e21' }).errors).toHaveLength(1);
  });

  it('knows every ISO 4217 pair the table was given', () => {
    const raw = Object.fromEntries(CURRENCY_CODES.slice(0, 40).map((c, i) => [`${c}/EUR`, `${i + 1}.5`]));
    const { table, errors } = rateTable(raw);
    expect(errors).toEqual([]);
    expect(table.rate(CURRENCY_CODES[3]!, 'EUR')).toEqual({ n: 9n, d: 2n });
  });
});

describe('reading a state', () => {
  it.each([
    [{ routes: { 'a/b': { balance: 'x' } } }, '/routes/a~1b/balance: expected a decimal amount such as "100.00", got "x"'],
    [{ routes: { r: { enabled: 'yes' } } }, '/routes/r/enabled: expected true or false'],
    [{ volumes: { 's/0': { r: '1.5.5' } } }, '/volumes/s~10/r: expected a decimal amount such as "100.00", got "1.5.5"'],
    [{ p2p: { r: [{ id: 'p', amount: '1', created_at: 'now', expires_at: '2026-11-20T10:00:00Z' }] } }, '/p2p/r/0/created_at: expected a date-time such as "2026-11-20T10:00:00Z"'],
    [{ rates: { 'EUR/USD': '-1' } }, '/rates/EUR~1USD: must be a positive decimal, got "-1"'],
    [{ rates: [] }, '/rates: expected an object'],
    [[], 'state: expected an object'],
  ])('reports %j with its JSON Pointer', (json, message) => {
    expect(parseState(json).errors).toEqual([message]);
  });

  it('decides alike with the state as JSON on each call and prepared once', () => {
    fc.assert(
      fc.property(schemeArb, fc.array(requestArb, { minLength: 2, maxLength: 6 }), stateArb, (source, requests, state) => {
        const scheme = compile(source).scheme!;
        const prepared = prepareState(structuredClone(state));
        expect(prepared.errors).toEqual([]);
        for (const request of requests) {
          const options = { trace: true };
          expect(decide(scheme, request, prepared, options)).toEqual(decide(scheme, request, structuredClone(state), options));
        }
      }),
      { ...SEED, numRuns: 60 },
    );
  });

  it('keeps a prepared state’s errors and refuses every decision with them', () => {
    const scheme = compile('scheme s\nroute a EUR fee 1.00\nservice x {\n  when amount > 0 {\n    optimal a\n  }\n}\n').scheme!;
    const prepared = prepareState({ rates: { 'EUR/USD': 'x' } });
    expect(prepared.errors).toEqual(['/rates/EUR~1USD: must be a positive decimal, got "x"']);
    expect(decide(scheme, { amount: '10.00', currency: 'EUR', service: 'x' }, prepared)).toEqual({
      status: 'invalid',
      errors: [{ path: '/state', message: '/rates/EUR~1USD: must be a positive decimal, got "x"' }],
    });
  });
});
