// Values that conditions compare, shared by the compiled code and the reference interpreter.
import { ATTRIBUTES, readAttribute } from './attributes.js';
import type { DecideContext } from './context.js';
import { unitsString } from './int.js';
import { mul, parseJsonDecimal, ratToString, type Rat } from './rational.js';
import type { FieldValue, Request } from './types.js';

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

/** The attribute's key in a trace entry's values. */
export function valueKey(a: AttrName): string {
  return a.isField ? `fields.${a.name}` : a.name;
}

/** An attribute's value as the trace shows it (absent: null). */
export function shown(v: FieldValue | undefined): string | number | boolean | null {
  if (v === undefined) return null;
  return typeof v === 'object' ? ratToString(v) : v;
}

/** The request's amount as the trace shows it: with its currency's minor digits, and the currency. */
export function shownAmount(req: Request): string {
  return `${unitsString(req.units, req.scale)} ${req.currency}`;
}

/** A standard attribute's value as the trace shows it; the amount with its currency. */
function shownStandard(req: Request, name: string): string | number | boolean | null {
  const a = ATTRIBUTES.get(name);
  if (a === undefined) return null;
  return a.name === 'amount' ? shownAmount(req) : shown(readAttribute(req, a));
}

/**
 * The values a condition saw, for the reference interpreter's trace (absent ones as null);
 * generated code builds the same object as one literal. No key is `__proto__` (standard
 * names, or `fields.` and a name).
 */
export function snapshot(ctx: DecideContext, attrs: readonly AttrName[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const a of attrs) values[valueKey(a)] = a.isField ? shown(ctx.req.fields.get(a.name)) : shownStandard(ctx.req, a.name);
  return values;
}
