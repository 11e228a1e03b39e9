// Payout requests: blocks and routing, an atomic reservation, the provider, and failover with
// the failed route excluded until the scheme's attempts are spent. Every step is an event, and
// every step is durable: a request interrupted by a crash is resumed from its rows (recovery.ts).
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CompiledScheme } from '../compiler/compile.js';
import { routesOf } from '../compiler/lower.js';
import { inBase } from '../runtime/commit.js';
import { minorUnits } from '../runtime/currencies.js';
import { decideParsedState } from '../runtime/decide-request.js';
import { decisionJson } from '../runtime/decision-json.js';
import { big, norm } from '../runtime/int.js';
import { feeUnits } from '../runtime/quote.js';
import { add, cmp, div, fromMinor, mul, parseDecimal, ratToString, roundHalfUp, sub, toDecimalString, ZERO, type Rat } from '../runtime/rational.js';
import { parseState, type StateResult } from '../runtime/state.js';
import type { Allocation, Decision, RouteDef } from '../runtime/types.js';
import type { Database, Mode } from './db/schema.js';
import { Problem } from './problem.js';
import type { Provider, ProviderAnswer } from './providers.js';
import { addVolume, loadRates, period, release, reserve, type Reservation } from './route-state.js';
import type { Schemes } from './schemes.js';
import type { StateSnapshots } from './state-snapshots.js';

export interface GatewayDeps {
  readonly db: Kysely<Database>;
  readonly schemes: Schemes;
  /** Stored state for decisions; every write to it goes through its transactions. */
  readonly states: StateSnapshots;
  readonly provider: Provider;
  readonly now: () => Date;
}

export interface PayoutRequestAttributes {
  readonly point_amount: string | number;
  readonly point_id: string;
  readonly point_currency: string;
  readonly service: string;
  readonly test_mode?: boolean;
  readonly country?: string;
  readonly fields?: Record<string, unknown>;
}

type Final = { status: 'processed' | 'failed' | 'blocked'; resolution: string | null; block: string | null };

interface PendingPayout {
  readonly id: string;
  readonly route: string;
  readonly requestAmount: string;
  readonly reservation: Reservation;
  readonly strategyKey: string;
}

/** The resolution of a request that failed before any provider was asked (its event `error` says why). */
const PROCESSING_ERROR = 'PROCESSING_ERROR';
/** The error of a payout the provider answered with nothing processed: failed, and no fee. */
const NOTHING_PROCESSED = 'nothing_processed';
/** The error a partly processed payout records; the rest of its amount fails over. */
const PARTIAL = 'partially_processed';
/** Volumes are history for `weight`; pieces converted by a derived rate are kept to 12 places. */
const VOLUME_SCALE = 12;
/** Reservations refused by a concurrent payout re-decide without costing an attempt; this bounds them. */
const MAX_STEPS = 50;

/** A payout request's Idempotency-Key, with the hash of the body it came with (requestHash). */
export interface Idempotency {
  readonly key: string;
  readonly hash: string;
}

/** The canonical body's sha256: keys sorted at every level, so key order and spacing do not count. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  const entries = Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
}

/** The request stored under the key, if any; a different body under it is a 422, as at Stripe. */
export async function findByIdempotencyKey(db: Kysely<Database>, mode: Mode, idem: Idempotency): Promise<string | undefined> {
  const row = await db.selectFrom('payout_requests').select(['id', 'status', 'request_hash']).where('mode', '=', mode).where('idempotency_key', '=', idem.key).executeTakeFirst();
  if (row && row.request_hash !== null && row.request_hash !== idem.hash) {
    throw new Problem(422, 'idempotency-key-reused', `Idempotency-Key '${idem.key}' was used with a different body; use a new key for a new payout request`);
  }
  if (row?.status === 'processing') throw new Problem(409, 'conflict', `a payout request with Idempotency-Key '${idem.key}' is still being processed`);
  return row?.id;
}

async function pointScheme(db: Kysely<Database>, mode: Mode, attrs: PayoutRequestAttributes): Promise<string> {
  const point = await db.selectFrom('payout_points').select(['currencies', 'scheme']).where('mode', '=', mode).where('id', '=', attrs.point_id).executeTakeFirst();
  if (!point) throw new Problem(422, 'invalid-request', `no payout point '${attrs.point_id}'`, { errors: [{ path: '/data/attributes/point_id', message: 'is not a known payout point' }] });
  if (!point.currencies.includes(attrs.point_currency)) {
    throw new Problem(422, 'unknown-currency', `payout point '${attrs.point_id}' takes ${point.currencies.join(', ')}, not ${attrs.point_currency}`);
  }
  return point.scheme;
}

/** The request the scheme decides, built from the gateway's attributes; `created_at` fixed at arrival. */
function schemeRequest(attrs: PayoutRequestAttributes, mode: Mode, createdAt: Date): Record<string, unknown> {
  return {
    amount: attrs.point_amount,
    currency: attrs.point_currency,
    service: attrs.service,
    point: attrs.point_id,
    created_at: createdAt.toISOString(),
    test_mode: mode === 'test',
    ...(attrs.country === undefined ? {} : { country: attrs.country }),
    fields: attrs.fields ?? {},
  };
}

/** The key's mode decides test or live: a body that says otherwise is refused, never obeyed. */
function checkTestMode(attrs: PayoutRequestAttributes, mode: Mode): void {
  if (attrs.test_mode === undefined || attrs.test_mode === (mode === 'test')) return;
  const error = { path: '/data/attributes/test_mode', message: `must be ${mode === 'test'} (or absent) with a ${mode} key` };
  throw new Problem(422, 'invalid-request', `${error.path}: ${error.message}`, { errors: [error] });
}

/** Runs a payout request to its end; returns its id. Invalid requests are refused before anything is stored. */
export async function processPayoutRequest(deps: GatewayDeps, mode: Mode, attrs: PayoutRequestAttributes, idempotency: Idempotency | undefined): Promise<string> {
  checkTestMode(attrs, mode);
  const schemeName = await pointScheme(deps.db, mode, attrs);
  const active = await deps.schemes.resolve(mode, schemeName);
  const createdAt = deps.now();
  const request = schemeRequest(attrs, mode, createdAt);
  const errors = active.scheme.validate(request);
  if (errors.length) throw new Problem(422, 'invalid-request', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  const id = randomUUID();
  const inserted = await deps.db
    .insertInto('payout_requests')
    .values({ id, mode, idempotency_key: idempotency?.key ?? null, request_hash: idempotency?.hash ?? null, status: 'processing', point_id: attrs.point_id, service: attrs.service, scheme: schemeName, version: active.version, attributes: JSON.stringify(attrs), created_at: createdAt, updated_at: createdAt })
    .onConflict((oc) => oc.columns(['mode', 'idempotency_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return (await findByIdempotencyKey(deps.db, mode, idempotency!))!;
  await new Run(deps, { id, mode, scheme: schemeName, compiled: active.scheme, request }).run();
  return id;
}

/** Picks up a request left `processing` (its instance died): settles its pending payouts, then goes on. */
export async function resumePayoutRequest(deps: GatewayDeps, id: string): Promise<void> {
  const row = await deps.db.selectFrom('payout_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const active = await deps.schemes.resolve(row.mode, row.scheme, row.version ?? undefined);
  const request = schemeRequest(row.attributes as unknown as PayoutRequestAttributes, row.mode, new Date(row.created_at));
  const run = new Run(deps, { id, mode: row.mode, scheme: row.scheme, compiled: active.scheme, request });
  await run.restore();
  await run.run();
}

interface RunSubject {
  readonly id: string;
  readonly mode: Mode;
  readonly scheme: string;
  readonly compiled: CompiledScheme;
  readonly request: Record<string, unknown>;
}

/** One payout request's way through attempts and failover. */
class Run {
  private attempt = 1;
  private readonly exclude: string[] = [];
  /** Routes whose balance or caps a concurrent payout took first: not failures, not attempts. */
  private readonly refused = new Set<string>();
  private lastError: string | undefined;
  private remaining: Rat;
  private pending: PendingPayout[] = [];
  private readonly routes: ReadonlyMap<string, RouteDef>;
  private readonly currency: string;

  constructor(
    private readonly deps: GatewayDeps,
    private readonly subject: RunSubject,
  ) {
    this.remaining = parseDecimal(String(subject.request['amount']))!;
    this.routes = routesOf(subject.compiled.ast);
    this.currency = String(subject.request['currency']);
  }

  private get db(): Kysely<Database> {
    return this.deps.db;
  }

  /** Rebuilds where the request stood from its payouts: paid, failed (excluded) and pending. */
  async restore(): Promise<void> {
    const payouts = await this.db.selectFrom('payouts').selectAll().where('payout_request_id', '=', this.subject.id).orderBy('created_at').execute();
    const failedAttempts = new Set<number>();
    for (const p of payouts) {
      if (p.status === 'succeeded') this.remaining = sub(this.remaining, parseDecimal(p.request_amount)!);
      if (p.status === 'failed' || p.error === PARTIAL) {
        failedAttempts.add(p.attempt);
        this.exclude.push(p.route);
        this.lastError = p.error ?? undefined;
      }
    }
    this.pending = payouts
      .filter((p) => p.status === 'pending')
      .map((p) => ({ id: p.id, route: p.route, requestAmount: p.request_amount, strategyKey: p.strategy_key, reservation: this.reservationOf(p.route, p.amount, p.fee, p.p2p, p.reserved_day) }));
    const pendingAttempt = Math.max(0, ...payouts.filter((p) => p.status === 'pending').map((p) => p.attempt));
    this.attempt = Math.max(failedAttempts.size + 1, pendingAttempt);
    await this.event('resumed', { attempt: this.attempt, remaining: this.amountText(), pending: this.pending.map((p) => p.id) });
  }

  async run(): Promise<void> {
    const final = await this.loop().catch((e: unknown) => this.failedBeforeProvider(e));
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('payout_requests').set({ ...final, updated_at: this.deps.now() }).where('id', '=', this.subject.id).execute();
      await this.event('final_status', final, trx);
    });
  }

  /**
   * An error with no payout pending (none reserved and not yet settled) came before any
   * provider was asked: the request ends `failed` now, so that a caller who got an error is
   * never paid later by recovery. With a payout pending, or when the database cannot say, the
   * error stands and the request stays `processing` for recovery to settle.
   */
  private async failedBeforeProvider(e: unknown): Promise<Final> {
    if (this.pending.length) throw e;
    const pending = await this.db
      .selectFrom('payouts')
      .select('id')
      .where('payout_request_id', '=', this.subject.id)
      .where('status', '=', 'pending')
      .executeTakeFirst()
      .catch(() => {
        throw e;
      });
    if (pending) throw e;
    // Only the state's own errors are the caller's to read; others could show internals.
    const message = e instanceof UnreadableState ? e.message : 'an internal error occurred before any payout was sent';
    await this.event('error', { message }).catch(() => {
      throw e;
    });
    return { status: 'failed', resolution: PROCESSING_ERROR, block: null };
  }

  private async loop(): Promise<Final> {
    for (let step = 0; step < MAX_STEPS; step++) {
      if (this.pending.length && (await this.settlePending())) continue;
      if (cmp(this.remaining, ZERO) <= 0) return { status: 'processed', resolution: null, block: null };
      const decision = this.decide(await this.deps.states.read(this.subject.mode, this.subject.scheme, this.subject.compiled, this.deps.now()));
      await this.event('decision', { attempt: this.attempt, amount: this.amountText(), exclude: [...this.excluded()], decision: decisionJson(decision) });
      if (decision.status !== 'routed') return this.end(decision);
      await this.reserveAll(decision);
    }
    return { status: 'failed', resolution: 'STRATEGY_CONFIGURED_ROUTES_WERE_FILTERED', block: null };
  }

  private excluded(): Set<string> {
    return new Set([...this.exclude, ...this.refused]);
  }

  private amountText(): string {
    const scale = minorUnits(this.currency);
    return toDecimalString(roundHalfUp(this.remaining, scale), scale);
  }

  private decide(state: StateResult): Decision {
    const req = {
      ...this.subject.request,
      amount: this.amountText(),
      attempt: this.attempt,
      exclude: [...this.excluded()],
      ...(this.lastError === undefined ? {} : { last_error: this.lastError }),
    };
    const d = decideParsedState(this.subject.compiled, req, state);
    if (d.status === 'invalid') throw new UnreadableState(`stored state is unreadable: ${d.errors.map((e) => e.message).join('; ')}`);
    return d;
  }

  private end(d: Decision): Final {
    if (d.status === 'blocked') return { status: 'blocked', resolution: null, block: d.block };
    return { status: 'failed', resolution: d.resolution, block: null };
  }

  private reservationOf(route: string, amount: string, fee: string, p2p: readonly { id: string; amount: string }[], day: string): Reservation {
    const def = this.routes.get(route);
    const cost = ratToString(add(parseDecimal(amount)!, parseDecimal(fee)!));
    return { route, debit: amount, cost, daily: def?.daily ? ratToString(def.daily) : null, monthly: def?.monthly ? ratToString(def.monthly) : null, p2p, day };
  }

  /** Every allocation reserved with its payout row in one transaction, or none: a refusal re-decides without that route. */
  private async reserveAll(decision: Decision): Promise<void> {
    const day = period(this.deps.now()).day;
    const planned = decision.allocations.map((a: Allocation): PendingPayout => ({
      id: randomUUID(),
      route: a.route,
      requestAmount: a.requestAmount,
      strategyKey: decision.strategyKey!,
      reservation: this.reservationOf(a.route, a.amount, a.fee, a.p2p ?? [], day),
    }));
    const refusal = await this.deps.states
      .transaction(async (trx) => {
        for (const [i, p] of planned.entries()) {
          const why = await reserve(trx, this.subject.mode, p.reservation, this.deps.now());
          if (why) throw new Refused(p.route, why);
          const a = decision.allocations[i]!;
          await trx
            .insertInto('payouts')
            .values({ id: p.id, payout_request_id: this.subject.id, attempt: this.attempt, route: a.route, amount: a.amount, currency: a.currency, fee: a.fee, request_amount: a.requestAmount, p2p: JSON.stringify(a.p2p ?? []), reserved_day: day, strategy_key: p.strategyKey, status: 'pending' })
            .execute();
          await this.event('payout_created', { payout: p.id, attempt: this.attempt, route: a.route, amount: a.amount, currency: a.currency, fee: a.fee, p2p: a.p2p ?? [] }, trx);
        }
        return undefined;
      })
      .catch((e: unknown) => {
        if (e instanceof Refused) return e;
        throw e;
      });
    if (refusal) {
      this.refused.add(refusal.route);
      await this.event('reservation_refused', { route: refusal.route, reason: refusal.message });
      return;
    }
    this.pending = planned;
  }

  /** Sends each pending payout and records the answer; returns true when some failed or paid only part (failover). */
  private async settlePending(): Promise<boolean> {
    const failures: string[] = [];
    for (const p of this.pending) {
      const answer = await this.deps.provider.send(this.subject.mode, p.route, p.id, p.reservation.debit);
      const outcome = await this.deps.states.transaction((trx) => this.record(trx, p, answer));
      this.remaining = sub(this.remaining, outcome.paid);
      if (outcome.error) {
        failures.push(outcome.error);
        this.exclude.push(p.route);
      }
    }
    this.pending = [];
    if (!failures.length) return false;
    this.lastError = failures[failures.length - 1]!;
    this.attempt++;
    await this.event('failover', { next_attempt: this.attempt, exclude: [...this.exclude], last_error: this.lastError, remaining: this.amountText() });
    return true;
  }

  /** Records a provider's answer in one transaction; returns the piece of the request paid, and the error if any. */
  private async record(trx: Kysely<Database>, p: PendingPayout, answer: ProviderAnswer): Promise<{ paid: Rat; error?: string }> {
    await this.event('provider_answer', { payout: p.id, route: p.route, ...(answer.ok ? { ok: true, ...(answer.processed ? { processed: answer.processed } : {}) } : { ok: false, error: answer.code }) }, trx);
    const partial = answer.ok && answer.processed !== undefined ? this.partialOf(p, answer.processed) : undefined;
    if (!answer.ok || partial?.nothing) {
      const error = answer.ok ? NOTHING_PROCESSED : answer.code;
      await trx.updateTable('payouts').set({ status: 'failed', error }).where('id', '=', p.id).execute();
      await release(trx, this.subject.mode, p.reservation);
      return { paid: ZERO, error };
    }
    if (partial) {
      await trx.updateTable('payouts').set({ status: 'succeeded', amount: partial.amount, fee: partial.fee, request_amount: partial.piece, error: PARTIAL }).where('id', '=', p.id).execute();
      await release(trx, this.subject.mode, partial.giveBack);
    } else await trx.updateTable('payouts').set({ status: 'succeeded' }).where('id', '=', p.id).execute();
    const piece = partial?.piece ?? p.requestAmount;
    await this.recordVolume(trx, p, piece);
    return { paid: parseDecimal(piece)!, ...(partial ? { error: PARTIAL } : {}) };
  }

  /**
   * A payout the provider paid only in part: its debit becomes what was processed, its fee is the
   * route's fee on that, and the rest of the reservation goes back to the balance and the caps.
   * The piece of the request it paid shrinks in proportion, rounded once to the request's currency.
   * `nothing`: it processed nothing (0.00 once rounded), which record() treats as a failure.
   */
  private partialOf(p: PendingPayout, processed: string) {
    const route = this.routes.get(p.route)!;
    const scale = route.calc.scale;
    const debit = parseDecimal(p.reservation.debit)!;
    const paid = fromMinor(roundHalfUp(parseDecimal(processed)!, scale), scale);
    const fee = fromMinor(big(feeUnits(route, norm(roundHalfUp(paid, scale)))), scale);
    const reservedFee = sub(parseDecimal(p.reservation.cost)!, debit);
    const reqScale = minorUnits(this.currency);
    const piece = fromMinor(roundHalfUp(div(mul(parseDecimal(p.requestAmount)!, paid), debit)!, reqScale), reqScale);
    const text = (r: Rat, sc: number) => toDecimalString(roundHalfUp(r, sc), sc);
    return {
      nothing: cmp(paid, ZERO) <= 0,
      amount: text(paid, scale),
      fee: text(fee, scale),
      piece: text(piece, reqScale),
      giveBack: { ...p.reservation, debit: ratToString(sub(debit, paid)), cost: ratToString(add(sub(debit, paid), sub(reservedFee, fee))), p2p: [] },
    };
  }

  private async recordVolume(trx: Kysely<Database>, p: PendingPayout, requestAmount: string): Promise<void> {
    const rates = await loadRates(trx, this.subject.mode, this.subject.compiled);
    const piece = inBase(parseState({ rates }).state, parseDecimal(requestAmount)!, this.currency, this.subject.compiled.settings.base);
    if (!piece) return;
    const rounded = toDecimalString(roundHalfUp(piece, VOLUME_SCALE), VOLUME_SCALE);
    await addVolume(trx, this.subject.mode, this.subject.scheme, p.strategyKey, p.route, rounded);
  }

  /** Appends to the event log; also the request's heartbeat, so recovery leaves a live request alone. */
  private async event(type: string, data: Record<string, unknown>, db: Kysely<Database> = this.db): Promise<void> {
    await db.insertInto('events').values({ payout_request_id: this.subject.id, type, data: JSON.stringify(data) }).execute();
    await db.updateTable('payout_requests').set({ updated_at: this.deps.now() }).where('id', '=', this.subject.id).execute();
  }
}

class Refused extends Error {
  constructor(
    readonly route: string,
    reason: string,
  ) {
    super(reason);
  }
}

/** Stored state the runtime cannot read (stored before write-time checks): the request fails. */
class UnreadableState extends Error {}
