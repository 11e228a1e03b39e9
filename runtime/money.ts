// Money that leaves the engine: an integer count of a currency's minor units. Everything
// before that point stays an exact Rat; toMoney is the one place an amount is rounded.
import { isCurrency, minorUnits } from './currencies.js';
import { fromMinor, parseJsonDecimal, roundHalfUp, toDecimalString, type Rat } from './rational.js';

export interface Money {
  readonly units: bigint;
  readonly currency: string;
}

/**
 * The exact value of a request amount (a decimal string or a JSON number), unrounded: extra
 * digits beyond the currency's exponent are kept, and only rounded where money leaves the
 * engine. Undefined when the text is not a plain decimal or `currency` is not ISO 4217.
 */
export function parseAmount(text: string | number, currency: string): Rat | undefined {
  return isCurrency(currency) ? parseJsonDecimal(text) : undefined;
}

/** Rounds r once, half-up, to the currency's minor unit. */
export function toMoney(r: Rat, currency: string): Money {
  return { units: roundHalfUp(r, minorUnits(currency)), currency };
}

/** Exactly the currency's minor digits: EUR "1.00", JPY "13", KWD "0.026". */
export function formatMoney(m: Money): string {
  return toDecimalString(m.units, minorUnits(m.currency));
}

export function moneyToRat(m: Money): Rat {
  return fromMinor(m.units, minorUnits(m.currency));
}
