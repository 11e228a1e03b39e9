// One strategy: candidates (§3), its order of preference, p2p funding (§5), and `split`.
import type { DecideContext } from './context.js';
import { pickPayment } from './p2p.js';
import { splitPayout } from './split.js';
import { limitsBroken, quote, routeState, unavailable, type Quote } from './quote.js';
import { fixedOrder, p2pFirst, rank } from './rank.js';
import { add, cmp } from './rational.js';
import type { PoolPayment, RouteDef, StrategyDef } from './types.js';

export interface Funded {
  readonly quote: Quote;
  readonly payment: PoolPayment | null;
}

export type StrategyOutcome =
  | { readonly routed: true; readonly allocations: readonly Funded[] }
  | {
      readonly routed: false;
      /** Candidates left after every filter. */
      readonly left: number;
      /** Of those, p2p routes without a fitting payment. */
      readonly unfundedP2P: number;
    };

interface Filtered {
  route: string;
  reason: string;
}

/** Why candidates were filtered: only the trace shows it, so without a trace it is null and nothing is built. */
type FilterLog = Filtered[] | null;

export function runStrategy(ctx: DecideContext, def: StrategyDef): StrategyOutcome {
  const log: FilterLog = ctx.trace ? [] : null;
  const whole = wholeCandidates(ctx, def, log);
  const ranked = rank(ctx, def, whole);
  if (log) for (const f of ranked.filtered) log.push(f);
  const ordered = ctx.settings.p2pFirst ? p2pFirst(ranked.ok) : ranked.ok;
  let unfundedP2P = 0;
  for (const q of ordered) {
    const payment = q.route.p2p ? pickPayment(ctx.state.p2p.get(q.route.name), q.debit, ctx.req.createdAt, def.p2p) : null;
    if (payment === undefined) {
      unfundedP2P++;
      log?.push({ route: q.route.name, reason: 'no fitting p2p payment' });
      continue;
    }
    const allocations = [{ quote: q, payment }];
    if (log) traceStrategy(ctx, def, ordered, log, allocations);
    return { routed: true, allocations };
  }
  if (def.split && ordered.length === 0) {
    const pieces = splitCandidates(ctx, def, def.routes.filter((route) => !unavailable(ctx, route)));
    if (pieces) {
      const allocations = pieces.map((quote) => ({ quote, payment: null }));
      if (log) traceStrategy(ctx, def, ordered, log, allocations);
      return { routed: true, allocations };
    }
  }
  if (log) traceStrategy(ctx, def, ordered, log, []);
  return { routed: false, left: ordered.length, unfundedP2P };
}

/**
 * When the order of preference is fixed by the scheme (rank.ts's fixedOrder), the first route
 * in it that is available, within its limits and funded is the one the full pass would pick,
 * and later routes need no quote. Undefined when none is: the full pass then finds why (and
 * whether a split applies). Only without a trace, which must list every candidate.
 */
export function firstInFixedOrder(ctx: DecideContext, def: StrategyDef): Funded | undefined {
  const order = fixedOrder(ctx, def);
  if (!order) return undefined;
  if (!ctx.settings.p2pFirst) return firstFunded(ctx, def, order, null);
  return firstFunded(ctx, def, order, true) ?? firstFunded(ctx, def, order, false);
}

/** The first funded candidate of `order` (only its p2p or non-p2p routes when `p2p` is set). */
function firstFunded(ctx: DecideContext, def: StrategyDef, order: readonly RouteDef[], p2p: boolean | null): Funded | undefined {
  for (const route of order) {
    if ((p2p !== null && route.p2p !== p2p) || unavailable(ctx, route)) continue;
    const q = quote(ctx, route, ctx.req.units);
    if (limitsBroken(ctx, q)) continue;
    const payment = route.p2p ? pickPayment(ctx.state.p2p.get(route.name), q.debit, ctx.req.createdAt, def.p2p) : null;
    if (payment !== undefined) return { quote: q, payment };
  }
  return undefined;
}

/**
 * Routes available (enabled, not excluded, rate known) whose whole-amount debit passes
 * min/max/caps (and, under balance, the balance). One pass; the log keeps the trace's order:
 * every unavailable route first, then the routes their amounts rule out.
 */
function wholeCandidates(ctx: DecideContext, def: StrategyDef, log: FilterLog): Quote[] {
  const out: Quote[] = [];
  let late: Filtered[] | undefined; // most decisions rule nothing out by amount
  for (const route of def.routes) {
    const gone = unavailable(ctx, route);
    if (gone) {
      log?.push({ route: route.name, reason: gone });
      continue;
    }
    const q = quote(ctx, route, ctx.req.units);
    const why = limitsBroken(ctx, q) ?? (def.kind === 'balance' ? balanceShort(ctx, q) : null);
    if (!why) out.push(q);
    else if (log) (late ??= []).push({ route: route.name, reason: why });
  }
  if (log && late) for (const f of late) log.push(f);
  return out;
}

function balanceShort(ctx: DecideContext, q: Quote): string | null {
  const balance = routeState(ctx, q.route).balance;
  if (!balance) return 'balance unknown';
  return cmp(balance, add(q.debit, q.fee)) < 0 ? 'balance below debit + fee' : null;
}

/** Split candidates: min still applies to the whole amount; max, caps and balance limit pieces. */
function splitCandidates(ctx: DecideContext, def: StrategyDef, open: RouteDef[]): Quote[] | undefined {
  const eligible: Quote[] = [];
  for (const route of open) {
    if (route.p2p) continue;
    const q = quote(ctx, route, ctx.req.units);
    if (route.min && cmp(q.debit, route.min) < 0) continue;
    if (def.kind === 'balance' && !routeState(ctx, route).balance) continue;
    eligible.push(q);
  }
  const ordered = rank(ctx, def, eligible).ok;
  return splitPayout(ctx, def.kind, ordered.map((q) => q.route));
}

function traceStrategy(ctx: DecideContext, def: StrategyDef, candidates: Quote[], filtered: Filtered[], chosen: readonly Funded[]): void {
  if (!ctx.trace) return;
  ctx.trace.push({
    step: 'strategy',
    strategy: def.kind,
    key: def.key,
    line: def.line,
    candidates: candidates.map((q) => q.route.name),
    filtered,
    chosen: chosen.map((f) => f.quote.route.name),
  });
}
