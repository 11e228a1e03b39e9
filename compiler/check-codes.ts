// ISO codes: every currency must be in ISO 4217 and every country in ISO 3166-1 alpha-2; and
// the code of the warning for a route whose bounds admit nothing.
import type { CodeLit } from '../grammar/ast.js';
import { error, type Diagnostic } from '../grammar/diagnostics.js';
import { CURRENCY_CODES, isCurrency } from '../runtime/currencies.js';
import { isCountry } from '../runtime/countries.js';
import { closest, meant, NO_HINT } from './suggest.js';

// Codes people write for a country that ISO 3166-1 spells otherwise.
const COUNTRY_ALIASES: ReadonlyMap<string, string> = new Map([
  ['UK', 'GB'],
  ['EL', 'GR'],
]);

/** A route's `min` above its `max`: no debit can satisfy both (LANGUAGE.md §2). */
export const W_MIN_ABOVE_MAX = 'W_MIN_ABOVE_MAX';

/** Undefined for a valid code, or a code the parser had to invent while recovering (empty). */
export function currencyProblem(code: CodeLit): Diagnostic | undefined {
  if (code.code === '' || isCurrency(code.code)) return undefined;
  // Codes are three letters, so only a one-letter slip is a credible "did you mean".
  const near = code.code.length === 3 ? closest(code.code, CURRENCY_CODES, 1) : undefined;
  const hint = near ? meant(near) : NO_HINT;
  return error('E_INVALID_CURRENCY', `${code.code} is not an ISO 4217 currency code, like EUR or USD${hint.text}`, code.span, hint.replacement);
}

export function countryProblem(code: CodeLit): Diagnostic | undefined {
  if (code.code === '' || isCountry(code.code)) return undefined;
  const alias = COUNTRY_ALIASES.get(code.code);
  const hint = alias ? `; its ISO code is ${alias}` : '';
  return error('E_INVALID_COUNTRY', `${code.code} is not an ISO 3166-1 alpha-2 country code, like DE or FR${hint}`, code.span, alias);
}
