// One strategy: candidates (§3), its order of preference, p2p funding (§5), and `split`.
import type { DecideContext } from './context.js';
import { pickPayment } from './p2p.js';
import { splitPayout } from './split.js';
import { limitsBroken, quote, routeState, unavailable, type Quote } from './quote.js';
import { p2pFirst, rank } from './rank.js';
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

export function runStrategy(ctx: DecideContext, def: StrategyDef): StrategyOutcome {
  const filtered: Filtered[] = [];
  const open: RouteDef[] = [];
  for (const route of def.routes) {
    const why = unavailable(ctx, route);
    if (why) filtered.push({ route: route.name, reason: why });
    else open.push(route);
  }
  const whole = wholeCandidates(ctx, def, open, filtered);
  const ranked = rank(ctx, def, whole);
  filtered.push(...ranked.filtered);
  const ordered = ctx.settings.p2pFirst ? p2pFirst(ranked.ok) : ranked.ok;
  let unfundedP2P = 0;
  for (const q of ordered) {
    const payment = q.route.p2p ? pickPayment(ctx.state.p2p.get(q.route.name), q.debit, ctx.req.createdAt, def.p2p) : null;
    if (payment === undefined) {
      unfundedP2P++;
      filtered.push({ route: q.route.name, reason: 'no fitting p2p payment' });
      continue;
    }
    const allocations = [{ quote: q, payment }];
    traceStrategy(ctx, def, ordered, filtered, allocations);
    return { routed: true, allocations };
  }
  if (def.split && ordered.length === 0) {
    const pieces = splitCandidates(ctx, def, open);
    if (pieces) {
      const allocations = pieces.map((quote) => ({ quote, payment: null }));
      traceStrategy(ctx, def, ordered, filtered, allocations);
      return { routed: true, allocations };
    }
  }
  traceStrategy(ctx, def, ordered, filtered, []);
  return { routed: false, left: ordered.length, unfundedP2P };
}

/** Routes whose whole-amount debit passes min/max/caps (and, under balance, the balance). */
function wholeCandidates(ctx: DecideContext, def: StrategyDef, open: RouteDef[], filtered: Filtered[]): Quote[] {
  const out: Quote[] = [];
  for (const route of open) {
    const q = quote(ctx, route, ctx.reqUnits);
    const why = limitsBroken(ctx, q) ?? (def.kind === 'balance' ? balanceShort(ctx, q) : null);
    if (why) filtered.push({ route: route.name, reason: why });
    else out.push(q);
  }
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
    const q = quote(ctx, route, ctx.reqUnits);
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
