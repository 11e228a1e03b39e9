// The order of evaluation of LANGUAGE.md §2: ATTEMPTS_EXHAUSTED → RATE_UNAVAILABLE → blocks →
// the request's service → its plan. Pure: no I/O, no clock.
import type { DecideContext } from './context.js';
import type { Program } from './program.js';
import { unitsString } from './int.js';
import { firstInFixedOrder, runStrategy, type Funded } from './strategy.js';
import type { Allocation, Decision, PlanDef, Request, Resolution, State, Status, StrategyDef, TraceEntry } from './types.js';

export interface DecideOptions {
  /** Collect the trace (default true); without it nothing is built for the trace. */
  readonly trace?: boolean;
}

export function decideWith(program: Program, req: Request, state: State, options: DecideOptions = {}): Decision {
  const ctx: DecideContext = {
    req,
    state,
    settings: program.settings,
    trace: options.trace === false ? null : [],
  };
  const { attempts } = program.settings;
  if (req.attempt > attempts) {
    ctx.trace?.push({ step: 'attempts', attempt: req.attempt, attempts });
    return failed(ctx, 'ATTEMPTS_EXHAUSTED');
  }
  const missing = missingRate(program, ctx);
  if (missing) {
    ctx.trace?.push({ step: 'rates', missing, reason: `no rate ${missing} for a condition's money amount` });
    return failed(ctx, 'RATE_UNAVAILABLE');
  }
  const block = program.block(ctx);
  if (block !== null) return decision(ctx, 'blocked', null, block);
  const plan = program.plan(ctx);
  if (plan === undefined) ctx.trace?.push({ step: 'service', service: req.service, configured: false });
  if (!plan) return failed(ctx, 'STRATEGY_RECEIVED_NO_ROUTES');
  return runPlan(ctx, plan);
}

function missingRate(program: Program, ctx: DecideContext): string | undefined {
  const from = ctx.req.currency;
  for (const to of program.moneyCurrencies(ctx.req.service)) {
    if (to !== from && !ctx.state.rates.rate(from, to)) return `${from}/${to}`;
  }
  return undefined;
}

function runPlan(ctx: DecideContext, plan: PlanDef): Decision {
  if (plan.kind === 'reject') {
    ctx.trace?.push({ step: 'reject', reason: plan.reason, line: plan.line });
    return failed(ctx, 'STRATEGY_RECEIVED_NO_ROUTES');
  }
  let left = 0;
  let unfunded = 0;
  for (const def of plan.strategies) {
    // Without a trace, a strategy whose order of preference is fixed needs only its first funded route.
    const first = ctx.trace ? undefined : firstInFixedOrder(ctx, def);
    if (first) return routed(ctx, def, [allocation(ctx, first)]);
    const outcome = runStrategy(ctx, def);
    if (outcome.routed) return routed(ctx, def, outcome.allocations.map((f) => allocation(ctx, f)));
    left += outcome.left;
    unfunded += outcome.unfundedP2P;
  }
  return failed(ctx, left > 0 && left === unfunded ? 'NO_AVAILABLE_P2P_PAYMENTS' : 'STRATEGY_CONFIGURED_ROUTES_WERE_FILTERED');
}

function routed(ctx: DecideContext, def: StrategyDef, allocations: Allocation[]): Decision {
  // Built as one literal in the key order of the Decision JSON (no spreads on the hot path).
  return {
    status: 'routed',
    route: allocations[0]!.route,
    allocations,
    strategy: def.kind,
    strategyKey: def.key,
    block: null,
    resolution: null,
    trace: ctx.trace ?? NO_TRACE,
  };
}

function allocation(ctx: DecideContext, { quote, payment }: Funded): Allocation {
  const amount = unitsString(quote.debitUnits, quote.scale);
  const route = quote.route.name;
  const currency = quote.route.currency;
  const fee = unitsString(quote.feeUnits, quote.scale);
  // Paid in the request's currency the debit is the piece itself: one string serves both.
  const requestAmount = currency === ctx.req.currency ? amount : unitsString(quote.pieceUnits, ctx.req.scale);
  if (!payment) return { route, amount, currency, fee, requestAmount };
  return { route, amount, currency, fee, requestAmount, p2p: [{ id: payment.id, amount }] };
}

// Frozen so that decisions without a trace can share it.
const NO_TRACE: readonly TraceEntry[] = Object.freeze([]);

function decision(ctx: DecideContext, status: Status, resolution: Resolution | null, block: string | null): Decision {
  return {
    status,
    route: null,
    allocations: [],
    strategy: null,
    strategyKey: null,
    block,
    resolution,
    trace: ctx.trace ?? NO_TRACE,
  };
}

function failed(ctx: DecideContext, resolution: Resolution): Decision {
  return decision(ctx, 'failed', resolution, null);
}
