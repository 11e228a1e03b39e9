// The state's rate table: "EUR/USD": "1.0850" means 1 EUR = 1.0850 USD. A given pair is used
// as given; a pair's inverse, when not itself given, is its exact reciprocal. There is no
// chaining through a third currency: a missing pair is RATE_UNAVAILABLE, never a guess.
import { isCurrency } from './currencies.js';
import { interned } from './interned.js';
import { norm } from './int.js';
import { inv, ONE, parseJsonDecimal, type Rat } from './rational.js';
import type { RateLookup, RateParts, State } from './types.js';

export type RateTable = Required<RateLookup>;

const PAIR = /^([A-Z]{3})\/([A-Z]{3})$/;

/** A rate table entry that cannot be used: its key (a pair, or not) and why. */
export interface RateError {
  readonly key: string;
  readonly message: string;
}

export interface RateTableResult {
  readonly table: RateTable;
  readonly errors: readonly RateError[];
  /** A state of these rates alone, as parseState reads it: made once per table (state.ts). */
  alone?: { readonly state: State; readonly errors: readonly string[] };
}

/**
 * Builds the table from the state's `rates`; invalid entries are reported and skipped. Tables
 * are immutable, so the last few distinct ones are kept with the entries they were read from:
 * a caller that sends the same rates with every decision has them parsed once.
 */
export function rateTable(raw: Record<string, string | number> | undefined): RateTableResult {
  // The state is user JSON: guard against a non-object even though the type says otherwise.
  if (typeof raw !== 'object' || raw === null) return NO_RATES;
  const known = recall(raw);
  if (known) return known;
  const result = build(raw);
  const keys = Object.keys(raw);
  if (keys.length <= REMEMBERED_ENTRIES) remember(raw, keys, result);
  return result;
}

interface Known {
  readonly keys: readonly string[];
  readonly values: readonly unknown[];
  readonly result: RateTableResult;
}

// Comparing a few short strings costs less than hashing them or parsing them again.
const RECENT: Known[] = [];
const REMEMBERED_TABLES = 8;
const REMEMBERED_ENTRIES = 256;

function recall(raw: Record<string, unknown>): RateTableResult | undefined {
  search: for (const known of RECENT) {
    let i = 0;
    // for...in allocates no key array; inherited keys (none in parsed JSON) only make a miss.
    for (const key in raw) {
      if (i >= known.keys.length || known.keys[i] !== key || known.values[i] !== raw[key]) continue search;
      i++;
    }
    if (i === known.keys.length) return known.result;
  }
  return undefined;
}

function remember(raw: Record<string, unknown>, keys: readonly string[], result: RateTableResult): void {
  RECENT.unshift({ keys, values: keys.map((k) => raw[k]), result });
  if (RECENT.length > REMEMBERED_TABLES) RECENT.pop();
}

function build(raw: Record<string, unknown>): RateTableResult {
  const errors: RateError[] = [];
  const given = new Map<string, Rat>();
  for (const [key, value] of Object.entries(raw)) {
    const message = addGiven(given, key, value);
    if (message !== undefined) errors.push({ key, message });
  }
  return { table: lookup(withInverses(given)), errors };
}

// Returns why the entry is unusable, or undefined once the pair is recorded (or is a harmless X/X = 1).
function addGiven(given: Map<string, Rat>, key: string, value: unknown): string | undefined {
  const m = PAIR.exec(key);
  if (m === null || !isCurrency(m[1]) || !isCurrency(m[2])) return 'is not a pair of ISO 4217 codes (CODE/CODE)';
  const r = parseJsonDecimal(value);
  if (r === undefined || r.n <= 0n) return `must be a positive decimal, got ${JSON.stringify(value)}`;
  if (m[1] === m[2]) return r.n === r.d ? undefined : "must be 1, a currency's rate to itself";
  given.set(key, r);
  return undefined;
}

// Inverses are computed once here so that rate() is a single Map lookup.
function withInverses(given: ReadonlyMap<string, Rat>): ReadonlyMap<string, Rat> {
  const all = new Map(given);
  for (const [key, r] of given) {
    const reverse = `${key.slice(4)}/${key.slice(0, 3)}`;
    // Given rates are positive, so the reciprocal always exists.
    if (!given.has(reverse)) all.set(reverse, inv(r)!);
  }
  return all;
}

// Nested by currency so that a lookup builds no "FROM/TO" string on the hot path; each rate
// also kept as Int parts so that quotes need no bigint conversion per decision.
function lookup(rates: ReadonlyMap<string, Rat>): RateTable {
  const byFrom = new Map<string, Map<string, { rate: Rat; parts: RateParts }>>();
  for (const [key, r] of rates) {
    const from = interned(key.slice(0, 3));
    const row = byFrom.get(from) ?? new Map<string, { rate: Rat; parts: RateParts }>();
    row.set(interned(key.slice(4)), { rate: r, parts: { n: norm(r.n), d: norm(r.d) } });
    byFrom.set(from, row);
  }
  // A decision asks for several rates from the request's currency (candidates, quotes, the
  // base): remembering the last row found spares one Map lookup each. The rows never change.
  let lastFrom: string | undefined;
  let lastRow: RateRow | undefined;
  const row = (from: string): RateRow | undefined => {
    if (from !== lastFrom) {
      lastRow = byFrom.get(from);
      lastFrom = from;
    }
    return lastRow;
  };
  return {
    rate: (from, to) => (from === to ? ONE : row(from)?.get(to)?.rate),
    parts: (from, to) => (from === to ? ONE_PARTS : row(from)?.get(to)?.parts),
  };
}

type RateRow = ReadonlyMap<string, { rate: Rat; parts: RateParts }>;

const ONE_PARTS: RateParts = { n: 1, d: 1 };

const NO_RATES: RateTableResult = build({});
