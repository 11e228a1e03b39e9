// Exact integers for the hot path: a JS number while it is a safe integer, a bigint beyond.
// Minor-unit amounts are almost always far below 2^53, and number arithmetic on safe integers
// is exact and allocation-free; every operation here checks that its result stays safe and
// otherwise redoes the work in bigint, so the answer is always the exact one.
import type { Rat } from './rational.js';

/** An exact integer: a number only while Number.isSafeInteger holds, else a bigint. */
export type Int = number | bigint;

const MAX = Number.MAX_SAFE_INTEGER;

export function big(x: Int): bigint {
  return typeof x === 'bigint' ? x : BigInt(x);
}

/** The same integer, as a number when it is safe. */
export function norm(x: bigint): Int {
  const n = Number(x);
  return Number.isSafeInteger(n) ? n : x;
}

// A float product of safe integers is exact when its magnitude is at most MAX: a true product
// of 2^53 or more rounds to 2^53 or more (rounding is monotone), so the test cannot pass wrongly.
export function mulInt(a: Int, b: Int): Int {
  if (typeof a === 'number' && typeof b === 'number') {
    const p = a * b;
    if (p <= MAX && p >= -MAX) return p;
  }
  return norm(big(a) * big(b));
}

export function addInt(a: Int, b: Int): Int {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (s <= MAX && s >= -MAX) return s;
  }
  return norm(big(a) + big(b));
}

export function isZeroInt(a: Int): boolean {
  return a === 0 || a === 0n;
}

export function cmpInt(a: Int, b: Int): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

// With m and d at most 2^52 the quotient of a float division is within one of the true floor,
// and q × d (at most m + d) and m − q × d are exact, so one correction step gives the exact quotient and remainder without
// `%` on doubles (a slow library call in V8 unless both sides are small integers).
const FAST_DIV = 2 ** 52;

/** floor(m / d) for integers 0 ≤ m ≤ FAST_DIV, 1 ≤ d ≤ FAST_DIV. */
function floorDiv(m: number, d: number): number {
  let q = Math.floor(m / d);
  const r = m - q * d;
  if (r < 0) q--;
  else if (r >= d) q++;
  return q;
}

function divHalfUpNumber(n: number, d: number): number {
  const m = n < 0 ? -n : n;
  let q: number;
  if (m <= FAST_DIV && d <= FAST_DIV) {
    q = floorDiv(m, d);
    if ((m - q * d) * 2 >= d) q++;
  } else {
    const rem = m % d; // exact in IEEE arithmetic, as is (m - rem) / d
    q = (m - rem) / d + (rem * 2 >= d ? 1 : 0);
  }
  return n < 0 ? -q : q;
}

function divHalfUpBig(n: bigint, d: bigint): bigint {
  const m = n < 0n ? -n : n;
  const q = m / d + ((m % d) * 2n >= d ? 1n : 0n);
  return n < 0n ? -q : q;
}

/** n / d rounded once, half away from zero (LANGUAGE.md's half-up); d > 0. */
export function divHalfUp(n: Int, d: Int): Int {
  if (typeof n === 'number' && typeof d === 'number') return divHalfUpNumber(n, d);
  return norm(divHalfUpBig(big(n), big(d)));
}

/** x × a / b, rounded once, half-up; b > 0. */
export function mulDivHalfUp(x: Int, a: Int, b: Int): Int {
  return divHalfUp(mulInt(x, a), b);
}

/** A rational's numerator and denominator as Ints (numbers when safe). */
export function ratParts(r: Rat): readonly [Int, Int] {
  return [norm(r.n), norm(r.d)];
}

/** 10^k as an Int. */
export function pow10Int(k: number): Int {
  return k <= 15 ? 10 ** k : 10n ** BigInt(k);
}

// ".0" … ".9", ".00" … ".99" and ".000" … ".999": the fractions of the common scales, built once
// with their point, so that an amount string is a single concatenation.
const FRACTIONS: readonly (readonly string[])[] = [1, 2, 3].map((k) =>
  Array.from({ length: 10 ** k }, (_, i) => `.${String(i).padStart(k, '0')}`),
);

const UNITS: readonly number[] = [1, 10, 100, 1000];

// The whole parts of most amounts, as text, kept once made: V8's own number-string cache is
// small and shared, and missed often on the varied amounts of a stream of decisions.
const WHOLES = 16_384;
const wholes: (string | undefined)[] = new Array<string | undefined>(WHOLES).fill(undefined);

function wholeText(whole: number): string {
  if (whole < WHOLES) return (wholes[whole] ??= String(whole));
  // Below 2^31 `| 0` makes it a small integer, which V8 converts faster than a double.
  return String(whole < 0x80000000 ? whole | 0 : whole);
}

/** Formats a count of 10^-scale units with exactly `scale` digits: (26, 3) → "0.026". */
export function unitsString(units: Int, scale: number): string {
  if (typeof units === 'number' && units >= 0 && scale >= 1 && scale <= 3) {
    const unit = UNITS[scale]!;
    const whole = units <= FAST_DIV ? floorDiv(units, unit) : (units - (units % unit)) / unit;
    const frac = units - whole * unit;
    return wholeText(whole) + FRACTIONS[scale - 1]![frac]!;
  }
  const negative = units < 0;
  const digits = (negative ? -units : units).toString();
  if (scale === 0) return negative ? `-${digits}` : digits;
  const padded = digits.length > scale ? digits : digits.padStart(scale + 1, '0');
  const cut = padded.length - scale;
  return `${negative ? '-' : ''}${padded.slice(0, cut)}.${padded.slice(cut)}`;
}

/** r × 10^k as a safe integer when that is exact, else NaN. */
export function scaledNumber(r: Rat, k: number): number {
  const n = Number(r.n);
  const d = Number(r.d);
  const unit = 10 ** k;
  if (!Number.isSafeInteger(n) || unit % d !== 0) return NaN;
  const x = n * (unit / d);
  return x <= MAX && x >= -MAX ? x : NaN;
}

/** The request amount's views for a decision: minor units (rounded) and millionths (exact or NaN). */
export function amountViews(r: Rat, scale: number): { units: Int; micros: number } {
  const n = norm(r.n);
  const d = norm(r.d);
  return { units: mulDivHalfUp(n, pow10Int(scale), d), micros: typeof n === 'number' && typeof d === 'number' ? microsOf(n, d) : NaN };
}

function microsOf(n: number, d: number): number {
  if (1e6 % d !== 0) return NaN;
  const x = n * (1e6 / d);
  return x <= MAX && x >= -MAX ? x : NaN;
}

/** r rounded once, half-up, to `scale` digits, as a count of 10^-scale units. */
export function roundUnits(r: Rat, scale: number): Int {
  return mulDivHalfUp(norm(r.n), pow10Int(scale), norm(r.d));
}
