// Each strategy's order of preference over quoted candidates (LANGUAGE.md §3). A candidate
// whose value needs a rate the state lacks is filtered, naming the missing pair.
import type { DecideContext } from './context.js';
import { routeState, type Quote } from './quote.js';
import { add, cmp, div, fromMinor, mul, rat, sub, type Rat } from './rational.js';
import { big } from './int.js';
import type { RouteDef, StrategyDef } from './types.js';

export type Ranked = { readonly ok: Quote[]; readonly filtered: readonly { route: string; reason: string }[] };

// Shared by every ranking that filters nothing (the common case), so none allocates one.
const NONE: Ranked['filtered'] = Object.freeze([]);

const ZERO = rat(0n);

/** Converts `x` from one currency to another exactly, or undefined without a rate. */
export function convert(ctx: DecideContext, x: Rat, from: string, to: string): Rat | undefined {
  if (from === to) return x;
  const r = ctx.state.rates.rate(from, to);
  return r && mul(x, r);
}

/** Sorts candidates by a key; equal keys keep the strategy's listed order (stable sort). */
function orderBy<T>(items: readonly T[], keys: readonly Rat[], direction: 1 | -1): T[] {
  const idx = items.map((_, i) => i);
  idx.sort((a, b) => direction * cmp(keys[a]!, keys[b]!) || a - b);
  return idx.map((i) => items[i]!);
}

/** Keeps the quotes for which `key` yields a value; the others are filtered with a reason. */
function keyed(quotes: Quote[], key: (q: Quote) => Rat | string): { quotes: Quote[]; keys: Rat[]; filtered: { route: string; reason: string }[] } {
  const out = { quotes: [] as Quote[], keys: [] as Rat[], filtered: [] as { route: string; reason: string }[] };
  for (const q of quotes) {
    const k = key(q);
    if (typeof k === 'string') out.filtered.push({ route: q.route.name, reason: k });
    else {
      out.quotes.push(q);
      out.keys.push(k);
    }
  }
  return out;
}

/** Conversion loss in the request's currency: the debit valued back at the plain rate, minus the piece. */
export function lossOf(ctx: DecideContext, q: Quote): Rat | string {
  if (q.route.currency === ctx.req.currency) return ZERO;
  const back = convert(ctx, q.debit, q.route.currency, ctx.req.currency);
  return back ? sub(back, fromMinor(big(q.pieceUnits), ctx.req.scale)) : `no rate ${q.route.currency}/${ctx.req.currency}`;
}

function costOf(ctx: DecideContext, q: Quote): Rat | string {
  const loss = lossOf(ctx, q);
  if (typeof loss === 'string') return loss;
  const fee = convert(ctx, q.fee, q.route.currency, ctx.req.currency);
  return fee ? add(fee, loss) : `no rate ${q.route.currency}/${ctx.req.currency}`;
}

function balanceInBase(ctx: DecideContext, q: Quote): Rat | string {
  const balance = routeState(ctx, q.route).balance;
  if (!balance) return 'balance unknown';
  const base = convert(ctx, balance, q.route.currency, ctx.settings.base);
  return base ?? `no rate ${q.route.currency}/${ctx.settings.base}`;
}

/** Deficits of weight/optimal: w_i/W × (V + a) − v_i over the candidates. */
function deficits(ctx: DecideContext, def: StrategyDef, quotes: Quote[]): Rat[] | string {
  const amount = convert(ctx, ctx.req.amount, ctx.req.currency, ctx.settings.base);
  if (!amount) return `no rate ${ctx.req.currency}/${ctx.settings.base}`;
  const history = ctx.state.volumes.get(def.key);
  const weights = quotes.map((q) => def.weights[def.routes.indexOf(q.route)]!);
  const volumes = quotes.map((q) => history?.get(q.route.name) ?? ZERO);
  const W = weights.reduce(add, ZERO);
  const V = volumes.reduce(add, ZERO);
  const total = add(V, amount);
  // All-zero weights leave no share to aim for: the least volume wins.
  return quotes.map((_, i) => sub(div(mul(weights[i]!, total), W) ?? ZERO, volumes[i]!));
}

/** No volume history for the strategy, a positive amount and a rate to the base: the deficits' order needs no rationals. */
function historyFree(ctx: DecideContext, def: StrategyDef): boolean {
  const { volumes } = ctx.state;
  if (volumes.size !== 0 && volumes.has(def.key)) return false;
  const micros = ctx.req.micros; // NaN when not exact there: then the rational decides
  if (micros === micros ? micros <= 0 : ctx.req.amount.n <= 0n) return false;
  return ctx.state.rates.rate(ctx.req.currency, ctx.settings.base) !== undefined;
}

/**
 * Without history the deficits are w_i/W × a: with W > 0 and a > 0 (a valid request's amount
 * is positive) their order is the weights' order, fixed by the scheme (fixedOrder), so no
 * rational needs computing. Undefined when the shortcut does not apply.
 */
function orderWithoutHistory(ctx: DecideContext, def: StrategyDef, quotes: Quote[]): Ranked | undefined {
  const order = fixedOrder(ctx, def);
  if (!order) return undefined;
  // The candidates come in listed order: only a weight order other than that moves them.
  const ok = order === def.routes ? quotes : [...quotes].sort((a, b) => order.indexOf(a.route) - order.indexOf(b.route));
  return { ok, filtered: NONE };
}

// A weight strategy's routes by weight, highest first (stable), or null when all weights are 0.
const BY_WEIGHT = new WeakMap<StrategyDef, readonly RouteDef[] | null>();

function byWeight(def: StrategyDef): readonly RouteDef[] | null {
  let order = BY_WEIGHT.get(def);
  if (order === undefined) {
    const ws = def.weights;
    const same = ws.every((w) => w.n > 0n && cmp(w, ws[0]!) === 0);
    order = same ? def.routes : ws.some((w) => w.n > 0n) ? orderBy(def.routes, ws, -1) : null;
    BY_WEIGHT.set(def, order);
  }
  return order;
}

/**
 * The routes in the order the strategy prefers them when that order is fixed by the scheme
 * alone (weight/optimal without history): rank() orders any subset of candidates this way.
 * Undefined when the order depends on the amounts or the state.
 */
export function fixedOrder(ctx: DecideContext, def: StrategyDef): readonly RouteDef[] | undefined {
  if ((def.kind !== 'optimal' && def.kind !== 'weight') || !historyFree(ctx, def)) return undefined;
  return def.kind === 'optimal' ? def.routes : (byWeight(def) ?? undefined);
}

/** Candidates in the strategy's order of preference, best first. */
export function rank(ctx: DecideContext, def: StrategyDef, quotes: Quote[]): Ranked {
  if (quotes.length === 0) return { ok: [], filtered: NONE };
  switch (def.kind) {
    case 'optimal':
    case 'weight': {
      const fast = orderWithoutHistory(ctx, def, quotes);
      if (fast) return fast;
      const d = deficits(ctx, def, quotes);
      if (typeof d === 'string') return { ok: [], filtered: quotes.map((q) => ({ route: q.route.name, reason: d })) };
      return { ok: orderBy(quotes, d, -1), filtered: NONE };
    }
    case 'balance': {
      const k = keyed(quotes, (q) => balanceInBase(ctx, q));
      return { ok: orderBy(k.quotes, k.keys, -1), filtered: k.filtered };
    }
    case 'conversion': {
      const k = keyed(quotes, (q) => lossOf(ctx, q));
      return { ok: orderBy(k.quotes, k.keys, 1), filtered: k.filtered };
    }
    case 'cost': {
      const k = keyed(quotes, (q) => costOf(ctx, q));
      return { ok: orderBy(k.quotes, k.keys, 1), filtered: k.filtered };
    }
  }
}

/** `p2p first`: a stable partition, p2p candidates before the others. */
export function p2pFirst(quotes: Quote[]): Quote[] {
  return [...quotes.filter((q) => q.route.p2p), ...quotes.filter((q) => !q.route.p2p)];
}
