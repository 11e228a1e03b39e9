// Short documentation of the language's words, for hovers and completion details
// (LANGUAGE.md in a sentence or two each).
import { ATTRIBUTES, describeType } from '../compiler/attributes.js';
import type { AttributeName } from '../runtime/attributes.js';
import type { StrategyName } from '../grammar/ast.js';

export const STRATEGY_DOCS: Readonly<Record<StrategyName, string>> = {
  optimal: '`optimal R, ...` — equal shares: like `weight` with equal weights. Picks the candidate furthest below its share of the volume.',
  weight: '`weight R P%, ...` — proportional shares; the weights must sum to 100%. Picks the candidate with the largest deficit against its share of the volume.',
  balance: '`balance R, ...` — keeps the candidates whose balance covers debit + fee, then picks the largest balance (compared in `base`). A route with unknown balance is filtered out.',
  conversion: '`conversion R, ...` — the candidate with the least conversion loss: none for a route in the request\'s currency.',
  cost: '`cost R, ...` — the candidate with the lowest total cost: its fee plus its conversion loss, valued in the request\'s currency.',
};

/** Every standard attribute has its text: a new one does not compile until it is written. */
const ATTRIBUTE_TEXT: Readonly<Record<AttributeName, string>> = {
  amount: 'The payout amount. Compared with `N CUR` it is converted into CUR with the rates; with a bare number it compares in the request\'s own currency.',
  currency: 'The request\'s ISO 4217 currency code.',
  service: 'The request\'s service name; the scheme\'s `service NAME { ... }` of that name routes it.',
  country: 'The payout\'s ISO 3166-1 alpha-2 country code.',
  point: 'The payout point id.',
  attempt: 'The attempt number, 1-based (default 1). `attempts N` bounds it.',
  last_error: 'The failure code of the previous attempt\'s payout; absent on the first attempt.',
  hour: 'The hour of the request\'s `created_at`, 0–23, UTC.',
  weekday: 'The weekday of the request\'s `created_at` (UTC), compared with mon tue wed thu fri sat sun.',
  test_mode: 'Whether the request is a test payout (default false).',
};

/** Markdown for a standard attribute, or undefined. */
export function attributeDoc(name: string): string | undefined {
  const a = ATTRIBUTES.get(name);
  if (!a) return undefined;
  const optional = a.optional ? ' Optional: a comparison on it is false when the request lacks it.' : '';
  return `**${name}** — attribute, ${describeType(a.type)}.\n\n${ATTRIBUTE_TEXT[a.name]}${optional}`;
}

export const KEYWORD_DOCS: Readonly<Record<string, string>> = {
  scheme: '`scheme NAME` — the scheme\'s name; the first statement.',
  mode: '`mode live | test` (default test): the service keeps test and live apart.',
  rates: '`rates NAME` — the rate table used for currency conversion.',
  base: '`base CUR` — the currency of cross-currency comparisons (default EUR).',
  attempts: '`attempts N` — how many payouts one request may create (failover; default 1).',
  field: '`field NAME int | decimal | string | bool | one_of "a", "b" [required]` — a request field read as `fields.NAME`.',
  route: '`route NAME CUR [fee F] [markup P%] [min M] [max M] [daily M] [monthly M] [p2p] [disabled]` — a deposit account at a provider.',
  fee: '`fee P%`, `fee FIXED` or `fee P% + FIXED`, in the route\'s currency, rounded once half-up.',
  markup: '`markup P%` — what the provider adds when it converts currency.',
  min: '`min M` — the smallest debit a route takes per payout.',
  max: '`max M` — the largest debit a route takes per payout.',
  daily: '`daily M` — cap on the sum of a day\'s debits.',
  monthly: '`monthly M` — cap on the sum of a month\'s debits.',
  p2p: 'On a route: it pays out from a pool of peer-to-peer payments. Under a strategy: `p2p sort ..., min_amount M, urgent Nd, min_remainder M`. `p2p first`: p2p candidates first.',
  disabled: '`disabled` — the route is never chosen.',
  block: '`block NAME when EXPR` — rejects the payout when EXPR holds (blocks run top to bottom, before routing).',
  when: '`when EXPR { ... }` — a branch taken when EXPR holds.',
  else: '`else when EXPR { ... }` or `else { ... }` — the next branch of a chain.',
  service: '`service NAME { ... }` — routing for requests whose service is NAME. In a condition: the request\'s service.',
  cascade: '`cascade { ... }` — strategies tried top to bottom; the first that yields a route wins.',
  reject: '`reject "reason"` — fails the request with STRATEGY_RECEIVED_NO_ROUTES, reason in the trace.',
  split: '`split` — lets one payout be divided when no single candidate can take it whole.',
  sort: '`sort oldest | biggest | min_remainder` — the order of pool payments (default oldest).',
  oldest: 'Pool payments by earliest `created_at`.',
  biggest: 'Pool payments by largest amount.',
  min_remainder: 'As a sort: smallest leftover first. As an option: `min_remainder M`, the smallest leftover allowed (zero always is).',
  min_amount: '`min_amount M` — pool payments below M are skipped.',
  urgent: '`urgent Nd` or `Nh` — payments expiring within the period come first.',
  first: '`p2p first` — every strategy considers its p2p candidates before the others.',
  required: 'The request must carry this field.',
  require: '`require ATTR, ...` — optional standard attributes (country, point, created_at, last_error) every request must carry; a request without one is invalid.',
  one_of: '`one_of "a", "b"` — a string from the listed values.',
  in: '`ATTR in [V, ...]` — membership in a list.',
  not: '`not EXPR` negates; `ATTR not in [...]` is false for an absent attribute.',
  and: 'Both conditions hold; binds tighter than `or`.',
  or: 'Either condition holds.',
};
