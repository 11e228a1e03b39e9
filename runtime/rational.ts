// Exact rational arithmetic on bigint. Every amount, rate, fee and markup in the runtime is a
// Rat, so nothing is ever rounded except where the language says so (roundHalfUp, once, at the
// edge). A float never touches an amount.

/** A normalized rational: d > 0 and gcd(n, d) = 1, so equal values have equal fields. */
export interface Rat {
  readonly n: bigint;
  readonly d: bigint;
}

export const ZERO: Rat = { n: 0n, d: 1n };
export const ONE: Rat = { n: 1n, d: 1n };

// Money scales are small; caching their powers of ten avoids a bigint exponentiation per call.
const POW10: readonly bigint[] = Array.from({ length: 19 }, (_, i) => 10n ** BigInt(i));

/** 10^scale as a bigint. */
export function pow10(scale: number): bigint {
  return POW10[scale] ?? 10n ** BigInt(scale);
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** n/d in normal form. A zero denominator is a programming error, never a data error. */
export function rat(n: bigint, d: bigint = 1n): Rat {
  if (d === 0n) throw new RangeError('rat: zero denominator');
  if (d < 0n) [n, d] = [-n, -d];
  if (d === 1n) return { n, d };
  const g = gcd(n, d);
  return g === 1n ? { n, d } : { n: n / g, d: d / g };
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Parses `-?\d+(\.\d+)?` exactly; anything else (exponents, spaces, '+', '.5', '1.') is undefined. */
export function parseDecimal(text: string): Rat | undefined {
  return shortDecimal(text) ?? longDecimal(text);
}

// Up to fifteen digits the value and 10^scale are exact doubles: read in one pass without a
// regular expression, reduced in double arithmetic, and only the reduced parts made bigints
// (a bigint gcd costs more than the rest of a parse). Undefined hands the text to longDecimal.
const SAFE_DIGITS = 15;
/** 10^k as doubles, k ≤ 15 (exact): `10 ** k` with k unknown is a call to pow. */
const POW10_NUMBERS: readonly number[] = Array.from({ length: SAFE_DIGITS + 1 }, (_, k) => 10 ** k);

function shortDecimal(text: string): Rat | undefined {
  const negative = text.charCodeAt(0) === 45; // '-'
  let i = negative ? 1 : 0;
  let n = 0;
  let digits = 0;
  let point = -1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      digits++;
    } else if (c === 46 && point < 0) point = digits;
    else return undefined;
  }
  if (digits === 0 || digits > SAFE_DIGITS || point === 0 || point === digits) return undefined;
  const r = ratOfScaled(n, point < 0 ? 0 : digits - point);
  return negative ? neg(r) : r;
}

/** n / 10^places in lowest terms, for a safe integer n ≥ 0 of at most fifteen digits: reduced in doubles, then made bigints. */
export function ratOfScaled(n: number, places: number): Rat {
  const d = POW10_NUMBERS[places]!;
  let a = n;
  let b = d;
  while (b !== 0) {
    const r = a % b;
    a = b;
    b = r;
  }
  return { n: BigInt(n / a), d: d === a ? 1n : BigInt(d / a) };
}

function longDecimal(text: string): Rat | undefined {
  const m = DECIMAL.exec(text);
  if (m === null) return undefined;
  const frac = m[3] ?? '';
  const digits = BigInt(m[2] + frac);
  return rat(m[1] === '-' ? -digits : digits, pow10(frac.length));
}

/**
 * Parses a decimal from JSON: a string as parseDecimal, or a number through its shortest
 * round-trip text (String(n)), so 0.1 is exactly 1/10. Exponent forms (1e21, 1e-7), NaN,
 * Infinity and non-numbers are undefined: their value as written is not a plain decimal.
 */
export function parseJsonDecimal(value: unknown): Rat | undefined {
  if (typeof value === 'string') return parseDecimal(value);
  if (typeof value === 'number' && Number.isFinite(value)) return parseDecimal(String(value));
  return undefined;
}

export function add(a: Rat, b: Rat): Rat {
  if (a.d === 1n && b.d === 1n) return { n: a.n + b.n, d: 1n };
  if (a.d === b.d) return rat(a.n + b.n, a.d);
  return rat(a.n * b.d + b.n * a.d, a.d * b.d);
}

export function neg(r: Rat): Rat {
  return { n: -r.n, d: r.d };
}

export function sub(a: Rat, b: Rat): Rat {
  return add(a, neg(b));
}

export function mul(a: Rat, b: Rat): Rat {
  if (a.n === 0n || b.n === 0n) return ZERO;
  if (a.d === 1n && b.d === 1n) return { n: a.n * b.n, d: 1n };
  // Cross-cancelling keeps the operands small and yields a normalized result directly.
  const g1 = gcd(a.n, b.d);
  const g2 = gcd(b.n, a.d);
  return { n: (a.n / g1) * (b.n / g2), d: (a.d / g2) * (b.d / g1) };
}

/** 1/r, or undefined for zero. */
export function inv(r: Rat): Rat | undefined {
  if (r.n === 0n) return undefined;
  return r.n < 0n ? { n: -r.d, d: -r.n } : { n: r.d, d: r.n };
}

/** a/b, or undefined when b is zero. */
export function div(a: Rat, b: Rat): Rat | undefined {
  const ib = inv(b);
  return ib === undefined ? undefined : mul(a, ib);
}

export function cmp(a: Rat, b: Rat): -1 | 0 | 1 {
  // Denominators are positive, so cross-multiplying preserves the order.
  const l = a.d === b.d ? a.n : a.n * b.d;
  const r = a.d === b.d ? b.n : b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function isZero(r: Rat): boolean {
  return r.n === 0n;
}

/**
 * r rounded to `scale` decimal digits, half away from zero (so -0.125 → -0.13 at 2), as an
 * integer count of 10^-scale units.
 */
export function roundHalfUp(r: Rat, scale: number): bigint {
  if (!Number.isInteger(scale) || scale < 0) throw new RangeError(`roundHalfUp: bad scale ${scale}`);
  const num = r.n * pow10(scale);
  if (r.d === 1n) return num;
  const q = num / r.d; // truncates toward zero; the remainder has num's sign
  const twiceRem = abs(num % r.d) * 2n;
  if (twiceRem < r.d) return q;
  return num < 0n ? q - 1n : q + 1n;
}

/** Formats a count of 10^-scale units with exactly `scale` digits: (26n, 3) → "0.026". */
export function toDecimalString(units: bigint, scale: number): string {
  if (scale === 0) return units.toString();
  const digits = abs(units).toString().padStart(scale + 1, '0');
  const cut = digits.length - scale;
  return `${units < 0n ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

/** r rounded once, half-up, to `scale` digits, as text: (1/8, 2) → "0.13". */
export function roundedText(r: Rat, scale: number): string {
  return toDecimalString(roundHalfUp(r, scale), scale);
}

/** The exact value of a count of 10^-scale units. */
export function fromMinor(units: bigint, scale: number): Rat {
  return rat(units, pow10(scale));
}

/** For traces and debugging: the exact decimal when it terminates, else "n/d". */
export function ratToString(r: Rat): string {
  const scale = terminatingScale(r.d);
  if (scale === undefined) return `${r.n}/${r.d}`;
  return toDecimalString((r.n * pow10(scale)) / r.d, scale);
}

// A fraction in lowest terms terminates in base 10 iff its denominator is 2^a·5^b; it then
// needs max(a, b) digits.
function terminatingScale(d: bigint): number | undefined {
  let twos = 0;
  let fives = 0;
  while (d % 2n === 0n) [d, twos] = [d / 2n, twos + 1];
  while (d % 5n === 0n) [d, fives] = [d / 5n, fives + 1];
  return d === 1n ? Math.max(twos, fives) : undefined;
}
