// A payout request's run on its pure rules alone (runtime/payout-run.ts): an in-memory model drives
// nextStep and settle with real routes, reservations, balances, caps and provider answers drawn by
// fast-check, and checks the money after every step; then examples of the rules one by one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { minorUnits } from '../runtime/currencies.js';
import { big, norm } from '../runtime/int.js';
import {
  attemptOf, committed, NOTHING_PROCESSED, nextStep, PARTIAL, paid, payable, requestStatus, settle,
  type NextStep, type RunPayout, type SettledPayout, type Settlement,
} from '../runtime/payout-run.js';
import { canMove, isInFlight, type PayoutStatus, type ProviderAnswer } from '../runtime/payout-status.js';
import { feeUnits } from '../runtime/quote.js';
import { add, cmp, div, fromMinor, mul, parseDecimal, rat, ratToString, roundHalfUp, sub, toDecimalString, ZERO, type Rat } from '../runtime/rational.js';
import type { RouteDef } from '../runtime/types.js';

const SEED = { seed: 20261202, numRuns: 300 };

const SCHEME = `scheme run_model
rates model
attempts 3

route pct_eur EUR fee 1.5%
route fixed_eur EUR fee 0.30 daily 400
route mixed_eur EUR fee 0.5% + 0.20 monthly 900
route pct_jpy JPY fee 2%
route fixed_jpy JPY fee 120

service model {
  optimal pct_eur, fixed_eur, mixed_eur, pct_jpy, fixed_jpy
}
`;

const compiled = compile(SCHEME);
if (!compiled.scheme) throw new Error(compiled.diagnostics.map((d) => d.message).join('\n'));
const ROUTES: readonly RouteDef[] = [...compiled.scheme.routes.values()];
const ATTEMPTS = compiled.scheme.settings.attempts;
const route = (name: string): RouteDef => ROUTES.find((r) => r.name === name)!;

/** The model's rates from a request's currency to a route's. */
const RATES: Readonly<Record<string, Rat>> = { 'EUR>JPY': rat(16327n, 100n), 'JPY>EUR': rat(100n, 16327n) };

const eq = (a: Rat, b: Rat): void => expect(ratToString(a)).toBe(ratToString(b));
const sum = (xs: readonly Rat[]): Rat => xs.reduce(add, ZERO);
/** An amount rounded once to a currency's scale, as write() stores it (its text, read back). */
const stored = (r: Rat, scale: number): Rat => fromMinor(roundHalfUp(r, scale), scale);

// ---- the model ----

/** A route's money: its balance and cap usage (route currency), and the volume it was credited (request currency). */
interface Funds {
  readonly balance: Rat;
  readonly used: Rat;
  readonly volume: Rat;
}

interface Slot {
  payout: SettledPayout;
  readonly def: RouteDef;
  /** The debit first reserved (a partial answer shrinks the payout's amount below it). */
  readonly reserved: Rat;
  /** The provider's answers still to come, and those it gave. */
  readonly script: ProviderAnswer[];
  readonly heard: ProviderAnswer[];
  /** Duplicates and replays delivered: bounded, as a real provider's are. */
  extras: number;
}

type Outcome = { readonly kind: 'finish'; readonly status: 'processed' | 'reversed' } | { readonly kind: 'failed'; readonly resolution: 'ATTEMPTS_EXHAUSTED' | 'NO_ROUTE' };

interface World {
  readonly amount: Rat;
  readonly currency: string;
  readonly scale: number;
  readonly start: ReadonlyMap<string, Funds>;
  readonly funds: Map<string, Funds>;
  readonly slots: Slot[];
  /** Routes whose reservation was refused: re-decided without them, at no attempt's cost. */
  readonly refused: Set<string>;
  steps: number;
  outcome: Outcome | null;
}

type How = 'script' | 'final' | 'duplicate' | 'replay' | 'stray' | 'late';

interface Delivery {
  readonly world: World;
  readonly slot: Slot;
  readonly answer: ProviderAnswer;
  readonly how: How;
  readonly before: SettledPayout;
  readonly after: SettledPayout;
  readonly fundsBefore: Funds;
  readonly fundsAfter: Funds;
  readonly settlement: Settlement | null;
}

interface Allocation {
  readonly def: RouteDef;
  readonly piece: Rat;
  readonly debit: Rat;
  readonly fee: Rat;
}

type Decide = Extract<NextStep, { kind: 'decide' }>;

/** What a property looks at while the model runs. */
interface Observer {
  step?(w: World, next: NextStep): void;
  reserving?(w: World, next: Decide, allocations: readonly Allocation[]): void;
  refused?(w: World): void;
  delivered?(d: Delivery): void;
  ended?(w: World): void;
}

const payoutsOf = (w: World): RunPayout[] => w.slots.map((s) => s.payout);

/** Applies a settlement as server/payouts.ts's write() does: the payout's row as stored, the give-back, the volume. */
function apply(p: SettledPayout, f: Funds, s: Settlement, def: RouteDef): [SettledPayout, Funds] {
  if (s.resend) return [{ ...p, status: 'created' }, f];
  const scale = def.calc.scale;
  const row: SettledPayout = { ...p, status: s.status, amount: stored(s.amount, scale), fee: stored(s.fee, scale), piece: stored(s.piece, p.requestScale), error: s.error, reference: s.reference };
  const back = s.giveBack ? { balance: add(f.balance, s.giveBack.cost), used: sub(f.used, s.giveBack.debit) } : {};
  const volume = s.volume ? add(f.volume, stored(s.volume, p.requestScale)) : f.volume;
  return [row, { ...f, ...back, volume }];
}

function deliver(w: World, slot: Slot, answer: ProviderAnswer, how: How, obs: Observer): void {
  const before = slot.payout;
  const fundsBefore = w.funds.get(slot.def.name)!;
  const settlement = settle(before, answer, slot.def);
  const [after, fundsAfter] = settlement ? apply(before, fundsBefore, settlement, slot.def) : [before, fundsBefore];
  slot.payout = after;
  w.funds.set(slot.def.name, fundsAfter);
  slot.heard.push(answer);
  obs.delivered?.({ world: w, slot, answer, how, before, after, fundsBefore, fundsAfter, settlement });
}

/** A provider's answers about one payout before its final one, and the duplicates and replays it sends. */
const MAX_SCRIPT = 4;
const MAX_EXTRAS = 3;

// ---- provider answers ----
// Drawn as data about a payout's debit, from arbitraries built once: fc.gen() keeps every
// arbitrary it is handed, so one built per payout would make each run slower than the last.

/** What a provider says it processed: a share of the debit (to finer than its currency's unit), or a text. */
type Processed = { readonly share: number; readonly of: number; readonly digits: number } | { readonly text: string };

/** An answer about a payout, before it is put in the payout's terms. */
type Said =
  | { readonly kind: 'accepted' | 'reversed'; readonly ref: boolean }
  | { readonly kind: 'succeeded'; readonly processed: Processed | null; readonly watch: boolean; readonly ref: boolean }
  | { readonly kind: 'failed'; readonly code: string; readonly ref: boolean }
  | { readonly kind: 'unknown'; readonly reason: string }
  | { readonly kind: 'not_found' };

const processedArb: fc.Arbitrary<Processed | null> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant({ text: '0' }) },
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 999 }).map((share) => ({ share, of: 1000, digits: 1 })) },
  { weight: 1, arbitrary: fc.integer({ min: 9991, max: 9999 }).map((share) => ({ share, of: 10000, digits: 2 })) },
  { weight: 1, arbitrary: fc.constantFrom(1000, 1001, 2000).map((share) => ({ share, of: 1000, digits: 0 })) },
  { weight: 1, arbitrary: fc.constantFrom('abc', '-1', '1e3').map((text) => ({ text })) },
);

const finalSaid: fc.Arbitrary<Said> = fc.oneof(
  fc.record({ kind: fc.constant('succeeded' as const), processed: processedArb, watch: fc.boolean(), ref: fc.boolean() }),
  fc.record({ kind: fc.constant('failed' as const), code: fc.constantFrom('insufficient_funds', 'account_closed', 'provider_error'), ref: fc.boolean() }),
);

const anySaid: fc.Arbitrary<Said> = fc.oneof(
  fc.record({ kind: fc.constantFrom('accepted' as const, 'reversed' as const), ref: fc.boolean() }),
  fc.record({ kind: fc.constant('unknown' as const), reason: fc.constantFrom('timeout', 'connection reset', '503') }),
  fc.constant({ kind: 'not_found' as const }),
  finalSaid,
);

const finalAnswer = (): fc.Arbitrary<Said> => finalSaid;
const script = (): fc.Arbitrary<Said[]> => fc.array(anySaid, { maxLength: MAX_SCRIPT });

function processedText(p: Processed, amount: Rat, scale: number): string {
  if ('text' in p) return p.text;
  return toDecimalString(roundHalfUp(div(mul(amount, rat(BigInt(p.share))), rat(BigInt(p.of)))!, scale + p.digits), scale + p.digits);
}

/** The answer in the gateway's terms about payout `p`, whose provider knows it by one reference. */
function answerOf(said: Said, p: SettledPayout, scale: number): ProviderAnswer {
  const ref = 'ref' in said && said.ref ? { reference: `ref-${p.id}` } : {};
  if (said.kind === 'succeeded') return { kind: 'succeeded', watch: said.watch, ...ref, ...(said.processed ? { processed: processedText(said.processed, p.amount, scale) } : {}) };
  if (said.kind === 'failed') return { kind: 'failed', code: said.code, ...ref };
  if (said.kind === 'accepted' || said.kind === 'reversed') return { kind: said.kind, ...ref };
  return said;
}

// ---- the driver ----


function setUp(g: fc.GeneratorValue): World {
  const currency = g(fc.constantFrom, 'EUR', 'JPY');
  const scale = minorUnits(currency);
  const amount = fromMinor(BigInt(g(fc.integer, { min: 1, max: currency === 'EUR' ? 200_000 : 300_000 })), scale);
  const start = new Map<string, Funds>();
  for (const def of ROUTES) {
    const ample = g(fc.boolean);
    const balance = ample ? rat(10n ** 9n) : fromMinor(BigInt(g(fc.integer, { min: 0, max: def.currency === 'EUR' ? 300_000 : 500_000 })), def.calc.scale);
    const cap = def.daily ?? def.monthly;
    const used = cap ? fromMinor(BigInt(g(fc.integer, { min: 0, max: Number(roundHalfUp(cap, def.calc.scale)) })), def.calc.scale) : ZERO;
    start.set(def.name, { balance, used, volume: ZERO });
  }
  return { amount, currency, scale, start, funds: new Map(start), slots: [], refused: new Set(), steps: 0, outcome: null };
}

/** `piece` of the request through `def`: the debit at the model's rate rounded once, and the route's real fee on it. */
function allocation(w: World, def: RouteDef, piece: Rat): Allocation {
  const scale = def.calc.scale;
  const debit = def.currency === w.currency ? piece : stored(mul(piece, RATES[`${w.currency}>${def.currency}`]!), scale);
  return { def, piece, debit, fee: fromMinor(big(feeUnits(def, norm(roundHalfUp(debit, scale)))), scale) };
}

/** The model's decision on what is left: one route, or two splitting it exactly; or why the run ends. */
function decision(g: fc.GeneratorValue, w: World, next: Decide): Allocation[] | Outcome {
  if (next.attempt > ATTEMPTS) return { kind: 'failed', resolution: 'ATTEMPTS_EXHAUSTED' };
  const candidates = ROUTES.filter((r) => !next.exclude.includes(r.name) && !w.refused.has(r.name));
  if (!candidates.length) return { kind: 'failed', resolution: 'NO_ROUTE' };
  const first = candidates[g(fc.integer, { min: 0, max: candidates.length - 1 })]!;
  const rest = candidates.filter((r) => r !== first);
  const remainingUnits = roundHalfUp(next.remaining, w.scale);
  if (!rest.length || remainingUnits < 2n || !g(fc.boolean)) return [allocation(w, first, next.remaining)];
  const second = rest[g(fc.integer, { min: 0, max: rest.length - 1 })]!;
  // A share in thousandths, kept within (0, remaining): the draw's arguments stay few for fc.gen's cache.
  const thousandths = BigInt(g(fc.integer, { min: 1, max: 999 }));
  const units = (remainingUnits * thousandths) / 1000n;
  const share = fromMinor(units < 1n ? 1n : units, w.scale);
  return [allocation(w, first, share), allocation(w, second, sub(next.remaining, share))];
}

/** Reserves every allocation or none, as the gateway does: debit + fee from the balance, the debit from the cap. */
function reserve(g: fc.GeneratorValue, w: World, next: Decide, allocations: readonly Allocation[], obs: Observer): void {
  for (const a of allocations) {
    const f = w.funds.get(a.def.name)!;
    const cap = a.def.daily ?? a.def.monthly;
    if (cmp(f.balance, add(a.debit, a.fee)) < 0 || (cap && cmp(add(f.used, a.debit), cap) > 0)) {
      w.refused.add(a.def.name);
      return obs.refused?.(w);
    }
  }
  obs.reserving?.(w, next, allocations);
  for (const a of allocations) {
    const f = w.funds.get(a.def.name)!;
    w.funds.set(a.def.name, { ...f, balance: sub(f.balance, add(a.debit, a.fee)), used: add(f.used, a.debit) });
    const payout: SettledPayout = {
      id: `p${w.slots.length + 1}`,
      route: a.def.name,
      attempt: next.attempt,
      status: 'created',
      amount: a.debit,
      fee: a.fee,
      piece: a.piece,
      error: null,
      reference: null,
      requestScale: w.scale,
    };
    const answers = g(script).map((said) => answerOf(said, payout, a.def.calc.scale));
    w.slots.push({ payout, def: a.def, reserved: a.debit, script: answers, heard: [], extras: 0 });
  }
}

/** A duplicate of the last answer heard, or a stale replay of an earlier one; undefined when none is due. */
function extra(g: fc.GeneratorValue, slot: Slot): [ProviderAnswer, How] | undefined {
  if (!slot.heard.length || slot.extras >= MAX_EXTRAS) return undefined;
  slot.extras++;
  const i = g(fc.integer, { min: 0, max: slot.heard.length - 1 });
  return [slot.heard[i]!, i === slot.heard.length - 1 ? 'duplicate' : 'replay'];
}

/** While payouts wait: one answer about one of them; the provider answers finally once its script is spent. */
function answerOne(g: fc.GeneratorValue, w: World, obs: Observer): void {
  const waiting = w.slots.filter((s) => isInFlight(s.payout.status));
  const slot = waiting[g(fc.integer, { min: 0, max: waiting.length - 1 })]!;
  const again = g(fc.integer, { min: 0, max: 4 }) === 0 ? extra(g, slot) : undefined;
  if (again) return deliver(w, slot, again[0], again[1], obs);
  const scripted = slot.script.shift();
  if (scripted) return deliver(w, slot, scripted, 'script', obs);
  deliver(w, slot, answerOf(g(finalAnswer), slot.payout, slot.def.calc.scale), 'final', obs);
}

/** Now and then, an answer about any payout at any time (a webhook racing the run): a replay or its next scripted one. */
function stray(g: fc.GeneratorValue, w: World, obs: Observer): void {
  if (!w.slots.length || g(fc.integer, { min: 0, max: 5 }) !== 0) return;
  const slot = w.slots[g(fc.integer, { min: 0, max: w.slots.length - 1 })]!;
  const again = extra(g, slot);
  if (again) return deliver(w, slot, again[0], again[1], obs);
  const scripted = slot.script.shift();
  if (scripted) deliver(w, slot, scripted, 'stray', obs);
}

/**
 * The steps a run may take: each payout hears at most its script, its extras and a final answer,
 * and is sent once plus once per `not_found` among them; a decision makes at most two payouts per
 * attempt, and each refused route costs one decision more.
 */
const STEP_BOUND = 2 * ATTEMPTS * 2 * (MAX_SCRIPT + MAX_EXTRAS + 1) + ATTEMPTS + ROUTES.length + 1;

function step(g: fc.GeneratorValue, w: World, obs: Observer): void {
  const next = nextStep(w.amount, payoutsOf(w));
  obs.step?.(w, next);
  if (next.kind === 'send') {
    for (const p of next.payouts) {
      const slot = w.slots.find((s) => s.payout.id === p.id)!;
      slot.payout = { ...slot.payout, status: 'sent' };
    }
  } else if (next.kind === 'wait') answerOne(g, w, obs);
  else if (next.kind === 'finish') w.outcome = { kind: 'finish', status: next.status };
  else {
    const d = decision(g, w, next);
    if (Array.isArray(d)) reserve(g, w, next, d, obs);
    else w.outcome = d;
  }
}

/** After the run ended: what is left of every script, late reversals, duplicates. */
function afterwards(g: fc.GeneratorValue, w: World, obs: Observer): void {
  const order = g(fc.shuffledSubarray, w.slots.map((_, i) => i), { minLength: w.slots.length });
  for (const slot of order.map((i) => w.slots[i]!)) {
    for (let a = slot.script.shift(); a; a = slot.script.shift()) deliver(w, slot, a, 'late', obs);
    if (slot.payout.status === 'succeeded' && g(fc.boolean)) deliver(w, slot, { kind: 'reversed' }, 'late', obs);
    const again = extra(g, slot);
    if (again) deliver(w, slot, again[0], 'late', obs);
  }
}

/** Runs one request through the model to its end and past it. */
function runModel(g: fc.GeneratorValue, obs: Observer): World {
  const w = setUp(g);
  while (!w.outcome && w.steps < STEP_BOUND) {
    w.steps++;
    stray(g, w, obs);
    step(g, w, obs);
  }
  obs.ended?.(w);
  if (w.outcome) afterwards(g, w, obs);
  return w;
}

/** Each property runs the model afresh. A run draws hundreds of values: shrinking them all would take minutes, so it is capped. */
const holds = (obs: Observer): void => fc.assert(fc.property(fc.limitShrink(fc.gen(), 100), (g) => void runModel(g, obs)), SEED);

// ---- checks ----

const live = (s: PayoutStatus): boolean => s === 'succeeded' || isInFlight(s);
const piecesWhere = (w: World, keep: (s: PayoutStatus) => boolean): Rat => sum(w.slots.filter((s) => keep(s.payout.status)).map((s) => s.payout.piece));

function checkAmounts(w: World): void {
  const payouts = payoutsOf(w);
  const inFlight = piecesWhere(w, isInFlight);
  const reversed = piecesWhere(w, (s) => s === 'reversed');
  eq(paid(payouts), piecesWhere(w, (s) => s === 'succeeded'));
  eq(add(add(paid(payouts), inFlight), add(reversed, sub(w.amount, committed(payouts)))), w.amount);
  expect(cmp(committed(payouts), w.amount)).toBeLessThanOrEqual(0);
  for (const p of payouts) expect(cmp(p.piece, ZERO)).toBeGreaterThanOrEqual(0);
}

/** Each route's balance and cap moved by exactly what its live payouts hold: failures and reversals gave it all back. */
function checkFunds(w: World): void {
  for (const def of ROUTES) {
    const held = w.slots.filter((s) => s.def === def && live(s.payout.status)).map((s) => s.payout);
    const start = w.start.get(def.name)!;
    const now = w.funds.get(def.name)!;
    eq(now.balance, sub(start.balance, sum(held.map((p) => add(p.amount, p.fee)))));
    eq(now.used, add(start.used, sum(held.map((p) => p.amount))));
    expect(cmp(now.balance, ZERO)).toBeGreaterThanOrEqual(0);
    const cap = def.daily ?? def.monthly;
    if (cap) expect(cmp(now.used, cap)).toBeLessThanOrEqual(0);
  }
}

const failedOrPartialRoutes = (w: World): Set<string> => new Set(w.slots.filter((s) => s.payout.status === 'failed' || s.payout.error === PARTIAL).map((s) => s.def.name));

// ---- properties ----

describe('a payout request run on the pure rules, driven by a model provider', () => {
  it('paid, in flight, reversed and what is left add up to the amount at every step; nothing is committed twice', () => {
    holds({
      step(w, next) {
        checkAmounts(w);
        if (next.kind === 'decide') {
          eq(next.remaining, sub(w.amount, committed(payoutsOf(w))));
          expect(cmp(next.remaining, ZERO)).toBe(1);
        }
        // A finished run committed the whole amount: what stays paid plus what came back.
        if (next.kind === 'finish') eq(add(paid(payoutsOf(w)), piecesWhere(w, (s) => s === 'reversed')), w.amount);
      },
      reserving(_w, next, allocations) {
        eq(sum(allocations.map((a) => a.piece)), next.remaining);
        expect(payable(allocations.map((a) => a.debit))).toBe(true);
        expect(allocations.every((a) => cmp(a.piece, ZERO) > 0)).toBe(true);
      },
      delivered: ({ world }) => checkAmounts(world),
      ended(w) {
        expect(cmp(paid(payoutsOf(w)), w.amount)).toBeLessThanOrEqual(0);
      },
    });
  });

  it('never gives a route a new payout after one to it failed or paid only part, and no route fails twice', () => {
    holds({
      step(w, next) {
        if (next.kind === 'decide') expect([...next.exclude].sort()).toEqual([...failedOrPartialRoutes(w)].sort());
      },
      reserving(w, _next, allocations) {
        const spent = failedOrPartialRoutes(w);
        for (const a of allocations) expect(spent.has(a.def.name), `${a.def.name} was tried and failed`).toBe(false);
      },
      ended(w) {
        const failed = w.slots.filter((s) => s.payout.status === 'failed').map((s) => s.def.name);
        expect(new Set(failed).size).toBe(failed.length);
      },
    });
  });

  it('moves balances and caps by exactly the live payouts’ amounts and fees; failures and reversals give everything back', () => {
    holds({
      step: (w) => checkFunds(w),
      delivered({ world, slot, before, after, settlement }) {
        checkFunds(world);
        // write() stores what settle returns at the currencies' scales: nothing may be lost there.
        if (settlement && !settlement.resend) {
          eq(settlement.amount, after.amount);
          eq(settlement.fee, after.fee);
          eq(settlement.piece, after.piece);
        }
        if (after.error === PARTIAL) {
          expect(['succeeded', 'reversed']).toContain(after.status);
          expect(cmp(after.amount, slot.reserved), 'a partial payout pays less than its debit').toBe(-1);
          eq(after.fee, fromMinor(big(feeUnits(slot.def, norm(roundHalfUp(after.amount, slot.def.calc.scale)))), slot.def.calc.scale));
          // Its piece of the request shrinks in proportion to what was paid, rounded once.
          if (before.error !== PARTIAL) eq(after.piece, stored(div(mul(before.piece, after.amount), before.amount)!, before.requestScale));
        }
      },
      ended: (w) => checkFunds(w),
    });
  });

  it('changes nothing on a duplicate or stale answer, and an answer applied twice equals it applied once', () => {
    holds({
      delivered({ slot, answer, how, before, after, fundsBefore, fundsAfter }) {
        const again = settle(after, answer, slot.def);
        const [twice, fundsTwice] = again ? apply(after, fundsAfter, again, slot.def) : [after, fundsAfter];
        expect(twice).toEqual(after);
        expect(fundsTwice).toEqual(fundsAfter);
        if (how === 'duplicate' || how === 'replay' || how === 'late') {
          // An answer heard before, or one after the run (its payouts all final), touches no money but a paid payout's reversal.
          const money = (p: SettledPayout) => [p.amount, p.fee, p.piece];
          if (!(before.status === 'succeeded' && after.status === 'reversed')) {
            expect(money(after)).toEqual(money(before));
            expect(fundsAfter).toEqual(fundsBefore);
          }
          // At most the provider's reference, missing until now, is filled in.
          if (before.status === 'failed' || before.status === 'reversed') expect({ ...after, reference: before.reference }).toEqual(before);
          if (after.reference !== before.reference) expect(before.reference).toBeNull();
        }
      },
    });
  });

  it('ends every run within a bounded number of steps, finished or failed after its attempts', () => {
    holds({
      ended(w) {
        expect(w.outcome, `no end after ${w.steps} steps`).not.toBeNull();
        expect(w.steps).toBeLessThanOrEqual(STEP_BOUND);
        const next = nextStep(w.amount, payoutsOf(w));
        if (w.outcome?.kind === 'finish') expect(next).toEqual({ kind: 'finish', status: w.outcome.status });
        else expect(next.kind).toBe('decide');
        if (w.outcome?.kind === 'failed' && w.outcome.resolution === 'ATTEMPTS_EXHAUSTED') expect(attemptOf(payoutsOf(w))).toBe(ATTEMPTS + 1);
        expect(w.slots.every((s) => !isInFlight(s.payout.status))).toBe(true);
      },
    });
  });

  it('fails a payout reported paid with nothing processed (or less than its currency’s unit) as nothing_processed, keeping no fee', () => {
    let seen = 0;
    holds({
      delivered({ slot, answer, before, after, fundsBefore, fundsAfter }) {
        if (answer.kind !== 'succeeded' || answer.processed === undefined || !isInFlight(before.status)) return;
        const got = parseDecimal(answer.processed);
        if (!got || cmp(got, ZERO) < 0 || roundHalfUp(got, slot.def.calc.scale) !== 0n) return;
        seen++;
        expect(after.status).toBe('failed');
        expect(after.error).toBe(NOTHING_PROCESSED);
        eq(fundsAfter.balance, add(fundsBefore.balance, add(before.amount, before.fee)));
        eq(fundsAfter.used, sub(fundsBefore.used, before.amount));
        eq(fundsAfter.volume, fundsBefore.volume);
      },
    });
    expect(seen).toBeGreaterThanOrEqual(20);
  });

  it('exercises partials, reversals, unknowns, resends, duplicates, stale replays, splits and refusals', () => {
    const seen = { partial: 0, reversal: 0, lateReversal: 0, unknown: 0, resend: 0, duplicate: 0, replay: 0, split: 0, refused: 0, exhausted: 0, reversedRequest: 0, crossCurrency: 0 };
    holds({
      reserving(w, _next, allocations) {
        if (allocations.length === 2) seen.split++;
        if (allocations.some((a) => a.def.currency !== w.currency)) seen.crossCurrency++;
      },
      refused: () => void seen.refused++,
      delivered({ how, before, after, settlement }) {
        if (how === 'duplicate') seen.duplicate++;
        if (how === 'replay') seen.replay++;
        if (!settlement) return;
        if (settlement.resend) seen.resend++;
        if (after.error === PARTIAL && before.error !== PARTIAL) seen.partial++;
        if (after.status === 'unknown' && before.status !== 'unknown') seen.unknown++;
        if (after.status === 'reversed' && before.status !== 'reversed') seen[how === 'late' ? 'lateReversal' : 'reversal']++;
      },
      ended(w) {
        if (w.outcome?.kind === 'failed' && w.outcome.resolution === 'ATTEMPTS_EXHAUSTED') seen.exhausted++;
        if (w.outcome?.kind === 'finish' && w.outcome.status === 'reversed') seen.reversedRequest++;
      },
    });
    for (const [what, count] of Object.entries(seen)) expect(count, what).toBeGreaterThanOrEqual(20);
  });
});

// ---- examples ----

function payout(over: Partial<SettledPayout> = {}): SettledPayout {
  return {
    id: 'p1',
    route: 'pct_eur',
    attempt: 1,
    status: 'sent',
    amount: parseDecimal('100.00')!,
    fee: parseDecimal('1.50')!,
    piece: parseDecimal('100.00')!,
    error: null,
    reference: null,
    requestScale: 2,
    ...over,
  };
}

const d = (text: string): Rat => parseDecimal(text)!;

describe('the run’s rules, by example', () => {
  it('pays a percentage fee on what a partial payment processed, gives back the rest, and shrinks the piece', () => {
    const s = settle(payout(), { kind: 'succeeded', processed: '40.004' }, route('pct_eur'))!;
    expect(s.status).toBe('succeeded');
    expect(s.error).toBe(PARTIAL);
    eq(s.amount, d('40'));
    eq(s.fee, d('0.6'));
    eq(s.piece, d('40'));
    eq(s.volume!, d('40'));
    expect(s.giveBack).toEqual({ debit: d('60'), cost: d('60.9'), p2p: false });
  });

  it('keeps a fixed fee whole on a partial payment, and prices the piece back in the request’s currency', () => {
    const p = payout({ route: 'fixed_jpy', amount: d('16327'), fee: d('120') });
    const s = settle(p, { kind: 'succeeded', processed: '8000' }, route('fixed_jpy'))!;
    eq(s.fee, d('120'));
    eq(s.piece, d('49')); // 100 × 8000 / 16327 = 48.998…, rounded once to cents
    expect(s.giveBack).toEqual({ debit: d('8327'), cost: d('8327'), p2p: false });
  });

  it('counts a payment processed in full once rounded to the currency’s unit as a full success, not a partial', () => {
    const s = settle(payout(), { kind: 'succeeded', processed: '99.999' }, route('pct_eur'))!;
    expect(s.status).toBe('succeeded');
    expect(s.error).toBeNull();
    expect(s.giveBack).toBeNull();
    eq(s.piece, d('100'));
  });

  it('fails a success that processed nothing, giving back the debit and the fee', () => {
    for (const processed of ['0', '0.004']) {
      const s = settle(payout(), { kind: 'succeeded', processed }, route('pct_eur'))!;
      expect(s.status).toBe('failed');
      expect(s.error).toBe(NOTHING_PROCESSED);
      expect(s.giveBack).toEqual({ debit: d('100'), cost: d('101.5'), p2p: true });
      expect(s.volume).toBeNull();
    }
  });

  it('reverses a finished request once nothing it paid stays paid', () => {
    const a = payout({ status: 'succeeded', piece: d('60') });
    const b = payout({ id: 'p2', status: 'succeeded', piece: d('40') });
    expect(nextStep(d('100'), [a, b])).toEqual({ kind: 'finish', status: 'processed' });
    const s = settle(a, { kind: 'reversed' }, route('pct_eur'))!;
    expect(s.event).toBe('payout.reversed');
    expect(s.giveBack).toEqual({ debit: d('100'), cost: d('101.5'), p2p: true });
    const aBack: RunPayout = { ...a, status: s.status };
    expect(requestStatus([aBack, b])).toBe('processed');
    const bBack: RunPayout = { ...b, status: 'reversed' };
    expect(requestStatus([aBack, bBack])).toBe('reversed');
    // A reversed piece is not paid again.
    expect(nextStep(d('100'), [aBack, bBack])).toEqual({ kind: 'finish', status: 'reversed' });
  });

  it('asks for a resend when the provider never received a payout still in flight, and ignores it otherwise', () => {
    for (const status of ['created', 'sent', 'pending', 'unknown'] as const) {
      const s = settle(payout({ status }), { kind: 'not_found' }, route('pct_eur'))!;
      expect(s.resend).toBe(true);
      expect(s.giveBack).toBeNull();
      expect(s.status).toBe(status);
    }
    for (const status of ['succeeded', 'failed', 'reversed'] as const) expect(settle(payout({ status }), { kind: 'not_found' }, route('pct_eur'))).toBeNull();
  });

  it('makes the next attempt after a round in which a payout failed or paid only part, and not otherwise', () => {
    expect(attemptOf([])).toBe(1);
    expect(attemptOf([payout({ status: 'succeeded' })])).toBe(1);
    expect(attemptOf([payout({ status: 'failed' })])).toBe(2);
    expect(attemptOf([payout({ status: 'failed' }), payout({ attempt: 2, status: 'pending' })])).toBe(2);
    expect(attemptOf([payout({ status: 'succeeded', error: PARTIAL })])).toBe(2);
    const next = nextStep(d('100'), [payout({ status: 'failed', error: 'account_closed', piece: d('30') }), payout({ id: 'p2', route: 'fixed_eur', status: 'succeeded', piece: d('70') })]);
    expect(next).toEqual({ kind: 'decide', remaining: d('30'), attempt: 2, exclude: ['pct_eur'], lastError: 'account_closed' });
  });

  it('allows only forward moves between payout statuses', () => {
    expect(canMove('created', 'sent')).toBe(true);
    expect(canMove('sent', 'created')).toBe(false);
    expect(canMove('pending', 'unknown')).toBe(true);
    expect(canMove('unknown', 'pending')).toBe(true);
    expect(canMove('pending', 'succeeded')).toBe(true);
    expect(canMove('succeeded', 'reversed')).toBe(true);
    expect(canMove('succeeded', 'failed')).toBe(false);
    expect(canMove('reversed', 'succeeded')).toBe(false);
    for (const to of ['created', 'sent', 'pending', 'unknown', 'succeeded', 'reversed'] as const) expect(canMove('failed', to)).toBe(false);
  });
});
