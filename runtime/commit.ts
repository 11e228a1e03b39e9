// Commits a routed decision into a mutable state, as `sluice simulate` and the service do:
// volumes += amount in base; daily/monthly used += debit; balance −= debit + fee; the p2p
// payment used shrinks by the amount taken.
import { add, cmp, mul, parseDecimal, sub, ZERO, type Rat } from './rational.js';
import type { Decision, PoolPayment, Request, RouteState, State } from './types.js';

export interface MutableState extends State {
  readonly routes: Map<string, RouteState>;
  readonly p2p: Map<string, PoolPayment[]>;
  readonly volumes: Map<string, Map<string, Rat>>;
}

export function mutableState(s: State): MutableState {
  return {
    routes: new Map(s.routes),
    rates: s.rates,
    p2p: new Map([...s.p2p].map(([k, v]) => [k, [...v]])),
    volumes: new Map([...s.volumes].map(([k, v]) => [k, new Map(v)])),
  };
}

/** The request's amount (or a piece of it) in `base`, exactly; undefined without a rate. */
export function inBase(state: State, amount: Rat, currency: string, base: string): Rat | undefined {
  if (currency === base) return amount;
  const rate = state.rates.rate(currency, base);
  return rate && mul(amount, rate);
}

export function commit(state: MutableState, req: Request, decision: Decision, base: string): void {
  if (decision.status !== 'routed') return;
  const key = decision.strategyKey!;
  const volumes = state.volumes.get(key) ?? new Map<string, Rat>();
  state.volumes.set(key, volumes);
  for (const a of decision.allocations) {
    const debit = parseDecimal(a.amount)!;
    const fee = parseDecimal(a.fee)!;
    const piece = inBase(state, parseDecimal(a.requestAmount)!, req.currency, base);
    if (piece) volumes.set(a.route, add(volumes.get(a.route) ?? ZERO, piece));
    const rs = state.routes.get(a.route) ?? { enabled: true, dailyUsed: ZERO, monthlyUsed: ZERO };
    state.routes.set(a.route, {
      ...rs,
      balance: rs.balance && sub(rs.balance, add(debit, fee)),
      dailyUsed: add(rs.dailyUsed, debit),
      monthlyUsed: add(rs.monthlyUsed, debit),
    });
    for (const used of a.p2p ?? []) consume(state, a.route, used.id, parseDecimal(used.amount)!);
  }
}

function consume(state: MutableState, route: string, id: string, amount: Rat): void {
  const pool = state.p2p.get(route) ?? [];
  const i = pool.findIndex((p) => p.id === id);
  if (i < 0) return;
  const left = sub(pool[i]!.amount, amount);
  if (cmp(left, ZERO) > 0) pool[i] = { ...pool[i]!, amount: left };
  else pool.splice(i, 1);
}
