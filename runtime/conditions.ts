// Values that conditions compare, shared by the compiled code and the reference interpreter.
import type { DecideContext } from './context.js';
import { unitsString } from './int.js';
import { mul, parseJsonDecimal, ratToString, type Rat } from './rational.js';
import type { FieldValue } from './types.js';

/**
 * The request's amount expressed in `currency`, exactly. The rate was checked up front
 * (RATE_UNAVAILABLE), so a missing one cannot reach here; it reads as absent if it does.
 */
export function amountIn(ctx: DecideContext, currency: string): Rat | undefined {
  const { req } = ctx;
  if (currency === req.currency) return req.amount;
  const rate = ctx.state.rates.rate(req.currency, currency);
  return rate && mul(req.amount, rate);
}

/** A numeric field or attribute as an exact rational (ints arrive as JS numbers). */
export function asRat(v: FieldValue | undefined): Rat | undefined {
  if (v === undefined || typeof v === 'string' || typeof v === 'boolean') return undefined;
  return typeof v === 'number' ? parseJsonDecimal(v) : v;
}

/** An attribute a condition reads: a standard one, or `fields.NAME`. */
export interface AttrName {
  readonly name: string;
  readonly isField: boolean;
}

function shown(v: FieldValue | undefined): string | number | boolean | null {
  if (v === undefined) return null;
  return typeof v === 'object' ? ratToString(v) : v;
}

const STANDARD: Readonly<Record<string, (ctx: DecideContext) => FieldValue | undefined>> = {
  amount: (ctx) => `${unitsString(ctx.req.units, ctx.req.scale)} ${ctx.req.currency}`,
  currency: (ctx) => ctx.req.currency,
  service: (ctx) => ctx.req.service,
  country: (ctx) => ctx.req.country,
  point: (ctx) => ctx.req.point,
  attempt: (ctx) => ctx.req.attempt,
  last_error: (ctx) => ctx.req.lastError,
  hour: (ctx) => ctx.req.hour,
  weekday: (ctx) => ctx.req.weekday,
  test_mode: (ctx) => ctx.req.testMode,
};

/**
 * The values a condition saw, for the trace (absent ones as null). Assigned in a loop: every
 * traced test builds one, and entries arrays cost more than the values. No key is `__proto__`
 * (standard names, or `fields.` and a name).
 */
export function snapshot(ctx: DecideContext, attrs: readonly AttrName[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const a of attrs) {
    if (a.isField) values[`fields.${a.name}`] = shown(ctx.req.fields.get(a.name));
    else values[a.name] = shown(STANDARD[a.name]?.(ctx));
  }
  return values;
}
