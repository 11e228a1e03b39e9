// A route's quote for an amount: its debit and fee (rounded once, half-up), and whether it
// passes the candidate rules of LANGUAGE.md §3. Debits and fees are computed in integer minor
// units (runtime/int.ts: numbers while safe, bigint beyond), which is exact: the debit is
// piece × rate × (1 + markup) and the fee P% × debit + FIXED, each one fraction rounded once.
import type { DecideContext } from './context.js';
import { minorUnits } from './currencies.js';
import { addInt, big, cmpInt, divHalfUp, isZeroInt, mulDivHalfUp, mulInt, norm, pow10Int, ratParts, type Int } from './int.js';
import { add, cmp, fromMinor, rat, sub, type Rat } from './rational.js';
import type { RateParts, RouteDef, RouteState } from './types.js';

/** A route's constants in integer form, computed once per route at compile time. */
export interface RouteCalc {
  /** Minor-unit exponent of the route's currency. */
  readonly scale: number;
  /** 1 + markup as numerator and denominator. */
  readonly markupN: Int;
  readonly markupD: Int;
  /** The fee in minor units is (feeA × debitUnits + feeB) / feeC, rounded half-up. */
  readonly feeA: Int;
  readonly feeB: Int;
  readonly feeC: Int;
  /** min and max as bounds on debit units: debit ≥ min ⇔ units ≥ ceil(min × 10^scale). */
  readonly minUnits: Int | null;
  readonly maxUnits: Int | null;
}

type RouteAmounts = Pick<RouteDef, 'currency' | 'feeRate' | 'feeFixed' | 'markup' | 'min' | 'max'>;

function ceilUnits(r: Rat, scale: number): Int {
  const n = r.n * big(pow10Int(scale));
  const q = n / r.d; // truncates toward zero
  return norm(q * r.d < n ? q + 1n : q);
}

function floorUnits(r: Rat, scale: number): Int {
  const n = r.n * big(pow10Int(scale));
  const q = n / r.d;
  return norm(q * r.d > n ? q - 1n : q);
}

export function routeCalc(route: RouteAmounts): RouteCalc {
  const scale = minorUnits(route.currency);
  const markup = route.markup ? add(rat(1n), route.markup) : rat(1n);
  const [pn, pd] = route.feeRate ? ratParts(route.feeRate) : [0, 1];
  const [fn, fd] = route.feeFixed ? ratParts(route.feeFixed) : [0, 1];
  // fee × 10^scale = fn/fd × 10^scale + pn/pd × debitUnits = (pn·fd·D + fn·10^scale·pd) / (fd·pd)
  return {
    scale,
    markupN: norm(markup.n),
    markupD: norm(markup.d),
    feeA: mulInt(pn, fd),
    feeB: mulInt(mulInt(fn, pow10Int(scale)), pd),
    feeC: mulInt(fd, pd),
    minUnits: route.min && ceilUnits(route.min, scale),
    maxUnits: route.max && floorUnits(route.max, scale),
  };
}

/** A quote in minor units; the exact rationals are derived only where a rule compares them. */
export class Quote {
  constructor(
    readonly route: RouteDef,
    /** The piece of the request's amount, in request-currency minor units. */
    readonly pieceUnits: Int,
    readonly debitUnits: Int,
    readonly feeUnits: Int,
    readonly scale: number,
  ) {}

  get debit(): Rat {
    return fromMinor(big(this.debitUnits), this.scale);
  }

  get fee(): Rat {
    return fromMinor(big(this.feeUnits), this.scale);
  }
}

const ENABLED: RouteState = { enabled: true, dailyUsed: rat(0n), monthlyUsed: rat(0n) };

export function routeState(ctx: DecideContext, route: RouteDef): RouteState {
  // Most states name few routes or none: an empty Map needs no lookup.
  const { routes } = ctx.state;
  return (routes.size === 0 ? undefined : routes.get(route.name)) ?? ENABLED;
}

/** Why a route cannot be a candidate at all (before amounts), or null. */
export function unavailable(ctx: DecideContext, route: RouteDef): string | null {
  if (route.disabled) return 'disabled in the scheme';
  if (!routeState(ctx, route).enabled) return 'disabled in the state';
  const { exclude } = ctx.req;
  if (exclude.size !== 0 && exclude.has(route.name)) return 'excluded by failover';
  if (route.currency !== ctx.req.currency && !ctx.state.rates.rate(ctx.req.currency, route.currency)) {
    return `no rate ${ctx.req.currency}/${route.currency}`;
  }
  return null;
}

function partsOf(r: Rat): RateParts {
  return { n: norm(r.n), d: norm(r.d) };
}

/** Debit units of `pieceUnits`: the piece itself, or piece × rate × (1 + markup) rounded once. */
function debitUnits(ctx: DecideContext, route: RouteDef, pieceUnits: Int): Int {
  if (route.currency === ctx.req.currency) return pieceUnits;
  const { calc } = route;
  const { rates } = ctx.state;
  const parts = rates.parts?.(ctx.req.currency, route.currency) ?? partsOf(rates.rate(ctx.req.currency, route.currency)!);
  const num = mulInt(mulInt(parts.n, calc.markupN), pow10Int(calc.scale));
  const den = mulInt(mulInt(parts.d, calc.markupD), pow10Int(ctx.req.scale));
  return mulDivHalfUp(pieceUnits, num, den);
}

/** The quote for paying `pieceUnits` of the request's currency through `route`. */
export function quote(ctx: DecideContext, route: RouteDef, pieceUnits: Int): Quote {
  const { calc } = route;
  const debit = debitUnits(ctx, route, pieceUnits);
  return new Quote(route, pieceUnits, debit, feeUnits(route, debit), calc.scale);
}

/** The route's fee on a debit, both in its currency's minor units: P% × debit + FIXED, rounded once, half-up. */
export function feeUnits(route: RouteDef, debit: Int): Int {
  const { calc } = route;
  return divHalfUp(addInt(mulInt(calc.feeA, debit), calc.feeB), calc.feeC);
}

/** Headroom under max and the daily/monthly caps, or null when unlimited. */
export function debitLimit(ctx: DecideContext, route: RouteDef): Rat | null {
  const state = routeState(ctx, route);
  let limit: Rat | null = route.max;
  const lower = (x: Rat) => (limit = limit === null || cmp(x, limit) < 0 ? x : limit);
  if (route.daily) lower(sub(route.daily, state.dailyUsed));
  if (route.monthly) lower(sub(route.monthly, state.monthlyUsed));
  return limit;
}

/** A debit that rounds to nothing (a tiny rate) would report the request paid while paying nothing. */
export const ZERO_DEBIT = 'debit rounds to zero';

/** Why a whole-amount quote breaks min/max/caps (or pays nothing), or null. */
export function limitsBroken(ctx: DecideContext, q: Quote): string | null {
  const { route } = q;
  const { minUnits, maxUnits } = route.calc;
  if (isZeroInt(q.debitUnits)) return ZERO_DEBIT;
  if (minUnits !== null && cmpInt(q.debitUnits, minUnits) < 0) return `debit below min`;
  if (maxUnits !== null && cmpInt(q.debitUnits, maxUnits) > 0) return `debit above max`;
  if (!route.daily && !route.monthly) return null;
  const state = routeState(ctx, route);
  const d = q.debit;
  if (route.daily && cmp(add(state.dailyUsed, d), route.daily) > 0) return `daily cap reached`;
  if (route.monthly && cmp(add(state.monthlyUsed, d), route.monthly) > 0) return `monthly cap reached`;
  return null;
}
