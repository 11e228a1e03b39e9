// The one-pass request reader agrees with the full one (ajv, then toRequest): a request it reads
// is one the full reader accepts, read to the same Request, and the plain requests a payout
// platform sends are read by it rather than left to the full reader.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, decide, type CompiledScheme } from '../index.js';
import { REQUEST_PROPERTIES } from '../runtime/attributes.js';
import { CURRENCY_CODES } from '../runtime/currencies.js';
import { fastReaderOf } from '../runtime/fast-request.js';
import { toRequest } from '../runtime/request.js';
import type { Request } from '../runtime/types.js';

const SEED = { seed: 20261204, numRuns: 2000 };

function compiled(source: string): CompiledScheme {
  const r = compile(source);
  if (!r.scheme) throw new Error(JSON.stringify(r.diagnostics));
  return r.scheme;
}

const ROUTES = 'route a EUR fee 1.00\nroute j JPY fee 1\nroute k KWD fee 0.100\n';
const BODY = 'service card {\n  when amount > 0 {\n    optimal a, j, k\n  }\n}\n';
const SCHEMES: readonly CompiledScheme[] = [
  compiled(`scheme plain\n${ROUTES}\n${BODY}`),
  compiled(
    `scheme fielded\nfield tier int\nfield score decimal required\nfield note string\nfield vip bool\nfield segment one_of "retail", "business"\nrequire country, created_at\n${ROUTES}\n${BODY}`,
  ),
];

/** The full reader's Request, or undefined when it refuses the request. */
function fullRead(scheme: CompiledScheme, json: unknown) {
  const read = scheme.read(json);
  return read.ok ? toRequest(json as Record<string, unknown>, scheme.fieldKinds, read.amount) : undefined;
}

/** Equal Requests: every field, and the exact amount (made on first use, so not an own property). */
function sameRequest(fast: Request, full: Request | undefined): void {
  expect(full).toBeDefined();
  expect(fast).toEqual(full);
  expect(fast.amount).toEqual(full!.amount);
}

// Each property mostly valid, sometimes absent or wrong, so that most requests pass all checks
// but one or two and every check is crossed both ways.
const anyValue = fc.oneof(fc.constant(undefined), fc.constant(null), fc.boolean(), fc.integer({ min: -3, max: 5 }), fc.double(), fc.string({ maxLength: 4 }), fc.constant([]), fc.constant({}));
const mostly = <T,>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: valid, weight: 20 }, { arbitrary: invalid, weight: 1 }, { arbitrary: anyValue, weight: 1 });
const decimalText = fc.tuple(fc.nat({ max: 10 ** 9 }), fc.nat({ max: 4 }), fc.nat({ max: 9999 })).map(([w, places, f]) => (places ? `${w}.${String(f).padStart(4, '0').slice(0, places)}` : `${w}`));
const amount = mostly(decimalText, fc.oneof(fc.constantFrom('0', '0.00', '1.', '.5', '-1', '1e3', '10000000000000000', '1.000', '007.50', ' 1'), fc.double({ min: 0, max: 1e6, noNaN: true })));
const request = fc.record(
  {
    amount,
    currency: mostly(fc.constantFrom('EUR', 'JPY', 'KWD', 'USD'), fc.constantFrom('XXQ', 'eur')),
    service: mostly(fc.constant('card'), fc.constant('')),
    country: mostly(fc.constantFrom('DE', 'FR'), fc.constantFrom('XX', 'de')),
    point: mostly(fc.constant('p1'), fc.constant(7)),
    created_at: mostly(fc.constantFrom('2026-12-04T10:00:00Z', '2026-12-04T10:00:00.5+01:00'), fc.constantFrom('2026-13-04T10:00:00Z', '2026-12-04')),
    test_mode: mostly(fc.boolean(), fc.constant('true')),
    attempt: mostly(fc.integer({ min: 1, max: 4 }), fc.constantFrom(0, 1.5, -1)),
    exclude: mostly(fc.constantFrom(['a'], [], ['a', 'j']), fc.constantFrom(['a', 1], [null])),
    last_error: mostly(fc.constant('timeout'), fc.constant(1)),
    fields: mostly(
      fc.record(
        {
          tier: mostly(fc.integer({ min: -5, max: 5 }), fc.constant(2.5)),
          score: mostly(fc.constantFrom('1.25', '-3', '0'), fc.constantFrom('1.', 2.5, '1e2')),
          note: mostly(fc.string({ maxLength: 3 }), fc.constant(1)),
          vip: mostly(fc.boolean(), fc.constant('yes')),
          segment: mostly(fc.constantFrom('retail', 'business'), fc.constant('vip')),
          other: anyValue,
        },
        { requiredKeys: [] },
      ),
      fc.constantFrom([], 'x'),
    ),
  },
  { requiredKeys: [] },
);

describe('the one-pass request reader', () => {
  it('is built for the schemes the compiler makes', () => {
    for (const scheme of SCHEMES) expect(scheme.fast).toBeDefined();
  });

  it('reads a request only when the full reader accepts it, to the same Request', () => {
    let read = 0;
    fc.assert(
      fc.property(fc.constantFrom(...SCHEMES), request, (scheme, json) => {
        const fast = scheme.fast!(json);
        if (fast !== undefined) read++;
        if (fast === undefined) return;
        sameRequest(fast, fullRead(scheme, json));
      }),
      SEED,
    );
    // The property means something only if the reader read a good share of the requests.
    expect(read).toBeGreaterThan(SEED.numRuns / 20);
  });

  it('leaves an object of another prototype to the full reader, whatever it inherits', () => {
    const scheme = SCHEMES[1]!;
    const own = { amount: '10.00', currency: 'EUR', service: 'card', country: 'DE', created_at: '2026-12-04T10:00:00Z' };
    const fields = { score: '1.25', tier: 2 };
    expect(scheme.fast!({ ...own, fields })).toBeDefined();
    class Payout {
      readonly amount = '10.00';
    }
    const others: unknown[] = [
      Object.assign(Object.create({ amount: '10.00' }) as object, { ...own, amount: undefined }, { fields }),
      Object.assign(new Payout(), own, { fields }),
      { ...own, fields: Object.assign(Object.create({ score: '1.25' }) as object, { tier: 2 }) },
    ];
    for (const json of others) {
      expect(scheme.fast!(json)).toBeUndefined();
      expect(decide(scheme, json)).toEqual(decide({ ...scheme, fast: undefined }, json));
    }
    // No prototype at all is as plain as JSON: read, to the same Request.
    const bare = Object.assign(Object.create(null) as object, own, { fields: Object.assign(Object.create(null) as object, fields) });
    sameRequest(scheme.fast!(bare)!, fullRead(scheme, bare));
  });

  it('reads plain valid requests itself, with any currency and the decimal places it allows', () => {
    const plain = fc.record({
      whole: fc.nat({ max: 10 ** 9 }),
      cents: fc.nat({ max: 99 }),
      currency: fc.constantFrom(...CURRENCY_CODES),
      country: fc.constantFrom('DE', 'FR', 'US'),
      tier: fc.integer({ min: -5, max: 5 }),
    });
    fc.assert(
      fc.property(plain, ({ whole, cents, currency, country, tier }) => {
        const scheme = SCHEMES[1]!;
        const json = { amount: `${whole + 1}`, currency, service: 'card', country, created_at: '2026-12-04T10:00:00Z', fields: { score: `${whole}.${cents}`, tier } };
        const fast = scheme.fast!(json);
        expect(fast).toBeDefined();
        sameRequest(fast!, fullRead(scheme, json));
      }),
      { ...SEED, numRuns: 500 },
    );
  });

  it('leaves numbers, zero and extra decimal places to the full reader, which says what is wrong', () => {
    const scheme = SCHEMES[0]!;
    const base = { currency: 'EUR', service: 'card' };
    expect(scheme.fast!({ ...base, amount: 10 })).toBeUndefined();
    expect(scheme.fast!({ ...base, amount: '1.005' })).toBeUndefined();
    expect(decide(scheme, { ...base, amount: '0.00' })).toMatchObject({ status: 'invalid', errors: [{ path: '/amount', message: 'must be greater than zero' }] });
    expect(decide(scheme, { ...base, amount: '1.005' })).toMatchObject({ status: 'invalid', errors: [{ path: '/amount' }] });
    expect(decide(scheme, { ...base, amount: '1.500' })).toMatchObject({ status: 'routed', allocations: [{ amount: '1.50' }] });
    expect(decide(scheme, { ...base, amount: 10 })).toMatchObject({ status: 'routed', allocations: [{ amount: '10.00' }] });
  });

  it('leaves an amount longer than fifteen digits whole to the full reader, which refuses a malformed one', () => {
    const scheme = SCHEMES[0]!;
    const base = { currency: 'EUR', service: 'card' };
    const long = '9'.repeat(1_000_000);
    expect(scheme.fast!({ ...base, amount: long })).toBeUndefined();
    expect(scheme.fast!({ ...base, amount: `${long}x` })).toBeUndefined();
    expect(decide(scheme, { ...base, amount: `${long}x` })).toMatchObject({ status: 'invalid', errors: [{ path: '/amount' }] });
    expect(decide(scheme, { ...base, amount: '1234567890123.45' })).toMatchObject({ status: 'routed', allocations: [{ amount: '1234567890123.45' }] });
  });

  it('is not built for a schema it does not know, and deciding goes on without it', () => {
    const { schema, fieldKinds } = SCHEMES[1]!;
    const props = schema['properties'] as Record<string, Record<string, unknown>>;
    const withProps = (p: Record<string, unknown>) => fastReaderOf({ ...schema, properties: { ...props, ...p } }, fieldKinds);
    expect(withProps({})).toBeDefined();
    expect(withProps({ extra: { type: 'string' } })).toBeUndefined();
    expect(withProps({ point: { type: 'string', maxLength: 3 } })).toBeUndefined();
    const fields = props['fields']!;
    expect(withProps({ fields: { ...fields, properties: { ...(fields['properties'] as object), tier: { type: 'integer', minimum: 0 } } } })).toBeUndefined();
    const scheme = SCHEMES[0]!;
    const json = { amount: '12.50', currency: 'EUR', service: 'card' };
    expect(decide({ ...scheme, fast: undefined }, json)).toEqual(decide(scheme, json));
  });

  // The reader checks each standard property as written here: a change to these schemas must
  // be made in runtime/fast-request.ts too (or it reads requests the schema refuses).
  it('was written for these standard properties', () => {
    expect(REQUEST_PROPERTIES).toEqual({
      amount: { schema: { anyOf: [{ type: 'string', pattern: '^\\d+(\\.\\d+)?$' }, { type: 'number', exclusiveMinimum: 0 }] }, required: true },
      currency: { schema: { type: 'string', format: 'iso-4217' }, required: true },
      service: { schema: { type: 'string', minLength: 1 }, required: true },
      country: { schema: { type: 'string', format: 'iso-3166-alpha-2' }, requirable: true },
      point: { schema: { type: 'string' }, requirable: true },
      created_at: { schema: { type: 'string', format: 'date-time' }, requirable: true },
      test_mode: { schema: { type: 'boolean' } },
      attempt: { schema: { type: 'integer', minimum: 1 } },
      exclude: { schema: { type: 'array', items: { type: 'string' } } },
      last_error: { schema: { type: 'string' }, requirable: true },
    });
  });
});
