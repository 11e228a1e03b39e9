// A route's quote for an amount: its debit and fee (rounded once, half-up), and whether it
// passes the candidate rules of LANGUAGE.md §3.
import type { DecideContext } from './context.js';
import { minorUnits } from './currencies.js';
import { add, cmp, fromMinor, mul, rat, roundHalfUp, sub, type Rat } from './rational.js';
import type { RouteDef, RouteState } from './types.js';

export interface Quote {
  readonly route: RouteDef;
  /** The piece of the request's amount, in request-currency minor units. */
  readonly pieceUnits: bigint;
  readonly debit: Rat;
  readonly fee: Rat;
  readonly scale: number;
}

const ONE = rat(1n);
const ENABLED: RouteState = { enabled: true, dailyUsed: rat(0n), monthlyUsed: rat(0n) };

export function routeState(ctx: DecideContext, route: RouteDef): RouteState {
  return ctx.state.routes.get(route.name) ?? ENABLED;
}

/** Why a route cannot be a candidate at all (before amounts), or null. */
export function unavailable(ctx: DecideContext, route: RouteDef): string | null {
  if (route.disabled) return 'disabled in the scheme';
  if (!routeState(ctx, route).enabled) return 'disabled in the state';
  if (ctx.req.exclude.has(route.name)) return 'excluded by failover';
  if (route.currency !== ctx.req.currency && !ctx.state.rates.rate(ctx.req.currency, route.currency)) {
    return `no rate ${ctx.req.currency}/${route.currency}`;
  }
  return null;
}

/** The quote for paying `pieceUnits` of the request's currency through `route`. */
export function quote(ctx: DecideContext, route: RouteDef, pieceUnits: bigint): Quote {
  const scale = minorUnits(route.currency);
  const piece = fromMinor(pieceUnits, ctx.reqScale);
  let debitExact = piece;
  if (route.currency !== ctx.req.currency) {
    const rate = ctx.state.rates.rate(ctx.req.currency, route.currency)!;
    debitExact = mul(mul(piece, rate), route.markup ? add(ONE, route.markup) : ONE);
  }
  const debit = fromMinor(roundHalfUp(debitExact, scale), scale);
  return { route, pieceUnits, debit, fee: feeOf(route, debit, scale), scale };
}

function feeOf(route: RouteDef, debit: Rat, scale: number): Rat {
  let fee = route.feeFixed ?? rat(0n);
  if (route.feeRate) fee = add(fee, mul(route.feeRate, debit));
  return fromMinor(roundHalfUp(fee, scale), scale);
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

/** Why a whole-amount quote breaks min/max/caps, or null. */
export function limitsBroken(ctx: DecideContext, q: Quote): string | null {
  const { route } = q;
  const state = routeState(ctx, route);
  const d = q.debit;
  if (route.min && cmp(d, route.min) < 0) return `debit below min`;
  if (route.max && cmp(d, route.max) > 0) return `debit above max`;
  if (route.daily && cmp(add(state.dailyUsed, d), route.daily) > 0) return `daily cap reached`;
  if (route.monthly && cmp(add(state.monthlyUsed, d), route.monthly) > 0) return `monthly cap reached`;
  return null;
}
