// Payout requests: blocks and routing, atomic reservations, payouts sent through connectors, and
// failover with the failed routes excluded until the scheme's attempts are spent. The rules are
// runtime/payout-run.ts's; this adapter applies them in transactions under a fenced lease
// (lease.ts), and is re-entered whenever a payout's status changes (its send, a status query, a
// webhook) or recovery finds a request nobody drives.
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CompiledScheme } from '../compiler/compile.js';
import { minorUnits } from '../runtime/currencies.js';
import { decideParsedState } from '../runtime/decide-request.js';
import { decisionJson } from '../runtime/decision-json.js';
import { schemeRequestOf } from '../runtime/scheme-request.js';
import { nextStep, payable, requestStatus, type NextStep } from '../runtime/payout-run.js';
import { IN_FLIGHT_PAYOUT_STATUSES } from '../runtime/payout-status.js';
import { parseDecimal, roundedText, type Rat } from '../runtime/rational.js';
import { expandTrace } from '../runtime/trace.js';
import type { Decision } from '../runtime/types.js';
import type { Database, Mode } from './db/schema.js';
import type { NamedDecision } from './decisions.js';
import { dropLease, holdLease, LeaseLost, takeLease, type Lease } from './lease.js';
import { enqueueEvent } from './outbox.js';
import { payoutRequestResource } from './payout-resource.js';
import { logEvent, reservationOf, runPayout, sendPayout, type PayoutDeps, type WriteGuard } from './payouts.js';
import { Problem } from './problem.js';
import { period, reserve } from './route-state.js';

export interface GatewayDeps extends PayoutDeps {
  /** A runner's lease: recovery takes a request over once its runner has not written for this long. */
  readonly leaseMs: number;
  readonly log: (line: string) => void;
  /** The leases this process's runs hold now, handed back when it stops (lease.ts's handBack). */
  readonly leases: Set<Lease>;
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

/** Reservations refused by a concurrent payout re-decide without costing an attempt; this bounds a run's steps. */
const MAX_STEPS = 50;

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

/**
 * The request an Idempotency-Key named before: its id, when its body was the same. A key reused
 * with another body is a 422, as Stripe answers.
 */
export async function findByIdempotencyKey(db: Kysely<Database>, mode: Mode, key: string, hash: string): Promise<string | undefined> {
  const row = await db.selectFrom('payout_requests').select(['id', 'request_hash']).where('mode', '=', mode).where('idempotency_key', '=', key).executeTakeFirst();
  // Requests stored before hashes were kept have none, and replay.
  if (row && row.request_hash !== null && row.request_hash !== hash) {
    throw new Problem(422, 'idempotency-key-reused', `Idempotency-Key '${key}' was used with a different body; use a new key for a new payout request`);
  }
  return row?.id;
}

export async function pointScheme(db: Kysely<Database>, mode: Mode, pointId: string, currency: string, path = '/data/attributes/point_id'): Promise<string> {
  const point = await db.selectFrom('payout_points').select(['currencies', 'scheme']).where('mode', '=', mode).where('id', '=', pointId).executeTakeFirst();
  if (!point) throw new Problem(422, 'invalid-request', `no payout point '${pointId}'`, { errors: [{ path, message: 'is not a known payout point' }] });
  if (!point.currencies.includes(currency)) {
    throw new Problem(422, 'unknown-currency', `payout point '${pointId}' takes ${point.currencies.join(', ')}, not ${currency}`);
  }
  return point.scheme;
}

/** The request the scheme decides, built from the gateway's attributes; `created_at` fixed at arrival. */
function schemeRequest(attrs: PayoutRequestAttributes, mode: Mode, createdAt: Date): Record<string, unknown> {
  return schemeRequestOf(attrs, mode === 'test', createdAt.toISOString());
}

/** The key's mode decides test or live: a body that says otherwise is refused, never obeyed. */
function checkTestMode(attrs: PayoutRequestAttributes, mode: Mode): void {
  if (attrs.test_mode === undefined || attrs.test_mode === (mode === 'test')) return;
  const error = { path: '/data/attributes/test_mode', message: `must be ${mode === 'test'} (or absent) with a ${mode} key` };
  throw new Problem(422, 'invalid-request', `${error.path}: ${error.message}`, { errors: [error] });
}

/**
 * Stores a payout request and runs it as far as it goes now (to its end, or until its payouts wait
 * for their providers); returns its id. Invalid requests are refused before anything is stored.
 */
export async function processPayoutRequest(deps: GatewayDeps, mode: Mode, attrs: PayoutRequestAttributes, idempotencyKey: string | undefined): Promise<string> {
  checkTestMode(attrs, mode);
  const schemeName = await pointScheme(deps.db, mode, attrs.point_id, attrs.point_currency);
  const active = await deps.schemes.resolve(mode, schemeName);
  const createdAt = deps.now();
  const errors = active.scheme.validate(schemeRequest(attrs, mode, createdAt));
  if (errors.length) throw new Problem(422, 'invalid-request', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  const id = randomUUID();
  const hash = requestHash(attrs);
  const inserted = await deps.db
    .insertInto('payout_requests')
    .values({
      id,
      mode,
      idempotency_key: idempotencyKey ?? null,
      request_hash: hash,
      status: 'processing',
      point_id: attrs.point_id,
      service: attrs.service,
      scheme: schemeName,
      version: active.version,
      attributes: JSON.stringify(attrs),
      created_at: createdAt,
      updated_at: createdAt,
    })
    .onConflict((oc) => oc.columns(['mode', 'idempotency_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return (await findByIdempotencyKey(deps.db, mode, idempotencyKey!, hash))!;
  deps.telemetry.metrics.payoutRequest(mode, 'processing');
  await advance(deps, id);
  return id;
}

interface RunRow {
  readonly id: string;
  readonly mode: Mode;
  readonly scheme: string;
  readonly compiled: CompiledScheme;
  readonly request: Record<string, unknown>;
  readonly amount: Rat;
  readonly currency: string;
  readonly version: number;
}

/**
 * Drives a request as far as it can go now, if no other runner holds it. Safe to call at any
 * time and from anywhere: a request that waits for its providers, or that another runner holds,
 * is left as it is.
 */
export async function advance(deps: GatewayDeps, id: string): Promise<void> {
  const lease = await takeLease(deps.db, id, deps.now(), deps.leaseMs);
  if (!lease) return;
  deps.leases.add(lease);
  try {
    const waiting = await drive(deps, lease).catch((e: unknown) => failedBeforeProvider(deps, lease, e));
    if (!waiting) return;
    await dropLease(deps.db, lease, deps.now());
    // A payout may have changed between the last look and the drop, when its own advance found the
    // lease held: look once more, now that anyone may take it.
    const again = await loadRun(deps, id);
    if (again && nextStep(again.amount, await payoutsOf(deps, id)).kind !== 'wait') await advance(deps, id);
  } catch (e) {
    if (e instanceof LeaseLost) return deps.log(`payout request ${id}: ${e.message}; this runner stops`);
    throw e;
  } finally {
    deps.leases.delete(lease);
  }
}

/**
 * After one of a request's payouts changed (its send, a status query, a webhook): a request still
 * processing goes on; a processed one whose paid payouts all came back becomes `reversed`.
 */
export async function payoutChanged(deps: GatewayDeps, requestId: string | null | undefined): Promise<void> {
  if (!requestId) return;
  const row = await deps.db.selectFrom('payout_requests').select(['status', 'mode']).where('id', '=', requestId).executeTakeFirst();
  if (row?.status === 'processing') return advance(deps, requestId);
  if (row?.status !== 'processed' || requestStatus(await payoutsOf(deps, requestId)) !== 'reversed') return;
  const reversed = await deps.db.transaction().execute(async (trx) => {
    const moved = await trx
      .updateTable('payout_requests')
      .set({ status: 'reversed', updated_at: deps.now() })
      .where('id', '=', requestId)
      .where('status', '=', 'processed')
      .returning('id')
      .executeTakeFirst();
    if (!moved) return false;
    await logEvent(trx, { requestId }, 'final_status', { status: 'reversed', resolution: null, block: null });
    await enqueueEvent(trx, row.mode, 'payout_request.reversed', (await payoutRequestResource(trx, row.mode, requestId, false)).data);
    return true;
  });
  if (reversed) ended(deps, row.mode, requestId, { status: 'reversed', resolution: null, block: null });
}

/** Counts and logs a request's final status, once it is committed. */
function ended(deps: GatewayDeps, mode: Mode, requestId: string, final: Final): void {
  deps.telemetry.metrics.payoutRequest(mode, final.status);
  deps.telemetry.step(requestId, 'final_status', final);
}

/** The resolution of a request that failed before any provider was asked (its event `error` says why). */
const PROCESSING_ERROR = 'PROCESSING_ERROR';

/** Stored state the runtime cannot read (stored before write-time checks): the request fails. */
class UnreadableState extends Error {}

/**
 * An error while no payout is with a provider (none reserved, sent, pending or unknown) came before
 * any provider was asked: the request ends `failed` now, so that a caller who got an error is never
 * paid later. With a payout out, or when the database cannot say, the error stands and the request
 * stays `processing` for recovery.
 */
async function failedBeforeProvider(deps: GatewayDeps, lease: Lease, e: unknown): Promise<false> {
  if (e instanceof LeaseLost) throw e;
  const out = await deps.db
    .selectFrom('payouts')
    .select('id')
    .where('payout_request_id', '=', lease.requestId)
    .where('status', 'in', IN_FLIGHT_PAYOUT_STATUSES)
    .executeTakeFirst()
    .catch(() => {
      throw e;
    });
  const run = out ? undefined : await loadRun(deps, lease.requestId).catch(() => undefined);
  if (!run) throw e;
  // Only the state's own errors are the caller's to read; others could show internals.
  const message = e instanceof UnreadableState ? e.message : 'an internal error occurred before any payout was sent';
  const guard: WriteGuard = (trx) => holdLease(trx, lease, deps.now(), deps.leaseMs);
  await finish(deps, guard, run, { status: 'failed', resolution: PROCESSING_ERROR, block: null }, { message }).catch(() => {
    throw e;
  });
  return false;
}

/** Runs the request's steps; true when it waits for providers, false when it ended. */
async function drive(deps: GatewayDeps, lease: Lease): Promise<boolean> {
  const run = await loadRun(deps, lease.requestId);
  if (!run) return false;
  const guard: WriteGuard = (trx) => holdLease(trx, lease, deps.now(), deps.leaseMs);
  /** Routes a concurrent payout took first: not failures, not attempts; only for this runner's steps. */
  const refused = new Set<string>();
  for (let step = 0; step < MAX_STEPS; step++) {
    const payouts = await payoutsOf(deps, run.id);
    const next = nextStep(run.amount, payouts);
    if (next.kind === 'decide' && payouts.length && next.attempt > Math.max(...payouts.map((p) => p.attempt))) await failover(deps, guard, run, next);
    if (next.kind === 'wait') return true;
    if (next.kind === 'send') {
      for (const p of next.payouts) await sendPayout(deps, p.id, guard);
    } else if (next.kind === 'finish') {
      await finish(deps, guard, run, { status: next.status, resolution: null, block: null });
      return false;
    } else if (!(await decideAndReserve(deps, guard, run, next, refused))) return false;
  }
  await finish(deps, guard, run, { status: 'failed', resolution: 'STRATEGY_CONFIGURED_ROUTES_WERE_FILTERED', block: null });
  return false;
}

/** The event that says why the run tries again: the attempt it makes, the routes left out, the last error, what is left. */
async function failover(deps: GatewayDeps, guard: WriteGuard, run: RunRow, next: Extract<NextStep, { kind: 'decide' }>): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await guard(trx);
    const data = { next_attempt: next.attempt, exclude: next.exclude, last_error: next.lastError, remaining: roundedText(next.remaining, minorUnits(run.currency)) };
    await logEvent(trx, { requestId: run.id }, 'failover', data);
  });
}

async function loadRun(deps: GatewayDeps, id: string): Promise<RunRow | undefined> {
  const row = await deps.db.selectFrom('payout_requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || row.status !== 'processing') return undefined;
  const active = await deps.schemes.resolve(row.mode, row.scheme, row.version ?? undefined);
  const attrs = row.attributes as unknown as PayoutRequestAttributes;
  const request = schemeRequest(attrs, row.mode, new Date(row.created_at));
  const amount = parseDecimal(typeof attrs.point_amount === 'number' ? String(attrs.point_amount) : attrs.point_amount)!;
  return { id, mode: row.mode, scheme: row.scheme, compiled: active.scheme, request, amount, currency: attrs.point_currency, version: active.version };
}

async function payoutsOf(deps: GatewayDeps, id: string) {
  const rows = await deps.db.selectFrom('payouts').selectAll().where('payout_request_id', '=', id).orderBy('created_at').orderBy('attempt').execute();
  return rows.map(runPayout);
}

type Final = { status: 'processed' | 'failed' | 'blocked' | 'reversed'; resolution: string | null; block: string | null };

const FINAL_EVENT = { processed: 'payout_request.processed', failed: 'payout_request.failed', blocked: 'payout_request.failed', reversed: 'payout_request.reversed' } as const;

async function finish(deps: GatewayDeps, guard: WriteGuard, run: RunRow, final: Final, error?: { message: string }): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await guard(trx);
    const now = deps.now();
    if (error) await logEvent(trx, { requestId: run.id }, 'error', error);
    await trx.updateTable('payout_requests').set({ ...final, lease_owner: null, lease_until: null, updated_at: now }).where('id', '=', run.id).execute();
    await logEvent(trx, { requestId: run.id }, 'final_status', final);
    await enqueueEvent(trx, run.mode, FINAL_EVENT[final.status], (await payoutRequestResource(trx, run.mode, run.id, false)).data);
  });
  ended(deps, run.mode, run.id, final);
}

/**
 * Decides what is left and reserves every allocation with its payout row in one transaction, or
 * none. Returns false when the run ended (blocked, failed); a refused reservation re-decides
 * without that route.
 */
async function decideAndReserve(deps: GatewayDeps, guard: WriteGuard, run: RunRow, next: Extract<NextStep, { kind: 'decide' }>, refused: Set<string>): Promise<boolean> {
  const exclude = [...new Set([...next.exclude, ...refused])];
  const decision = decide(deps, run, next, exclude, await deps.states.read(run.mode, run.scheme, run.compiled, deps.now()));
  await deps.db.transaction().execute(async (trx) => {
    await guard(trx);
    const amount = roundedText(next.remaining, minorUnits(run.currency));
    await logEvent(trx, { requestId: run.id }, 'decision', { decision_id: decision.decisionId, attempt: next.attempt, amount, exclude, decision: decisionJson(decision) });
  });
  deps.telemetry.step(run.id, 'decision', { decision_id: decision.decisionId, attempt: next.attempt, status: decision.status, route: decision.route, resolution: decision.resolution });
  const final = finalOf(decision);
  if (final) {
    await finish(deps, guard, run, final);
    return false;
  }
  const refusal = await reserveAll(deps, guard, run, decision, next.attempt);
  if (!refusal) for (const a of decision.allocations) deps.telemetry.metrics.payout(run.mode, a.route, 'created');
  if (refusal) {
    refused.add(refusal.route);
    deps.telemetry.metrics.reservationConflict(run.mode, refusal.route);
    deps.telemetry.step(run.id, 'reservation_refused', { route: refusal.route });
    await deps.db.transaction().execute(async (trx) => {
      await guard(trx);
      await logEvent(trx, { requestId: run.id }, 'reservation_refused', { route: refusal.route, reason: refusal.message });
    });
  }
  return true;
}

/** How a decision ends the run, or null when it routes something payable. A zero debit pays nothing: never reserved. */
function finalOf(d: Decision): Final | null {
  if (d.status === 'blocked') return { status: 'blocked', resolution: null, block: d.block };
  if (d.status !== 'routed') return { status: 'failed', resolution: d.resolution, block: null };
  if (!payable(d.allocations.map((a) => parseDecimal(a.amount)!))) return { status: 'failed', resolution: 'AMOUNT_TOO_SMALL', block: null };
  return null;
}

/** The decision on what is left, named and recorded; stored state the runtime cannot read throws UnreadableState. */
function decide(deps: GatewayDeps, run: RunRow, next: Extract<NextStep, { kind: 'decide' }>, exclude: string[], state: Parameters<typeof decideParsedState>[2]): NamedDecision {
  const req = {
    ...run.request,
    amount: roundedText(next.remaining, minorUnits(run.currency)),
    attempt: next.attempt,
    exclude,
    ...(next.lastError === null ? {} : { last_error: next.lastError }),
  };
  // The event log keeps the trace, expanded: the console draws each decision's routing tree from it.
  const started = performance.now();
  const d = deps.telemetry.decisions.record({ endpoint: 'payout', mode: run.mode, scheme: run.scheme, version: run.version }, req, decideParsedState(run.compiled, req, state, { trace: true }), started);
  if (d.status === 'invalid') throw new UnreadableState(`stored state is unreadable: ${d.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return { ...d, trace: expandTrace(run.compiled, d.trace) };
}

/** Every allocation reserved with its payout row in one transaction, or none: the refused route, or undefined. */
async function reserveAll(deps: GatewayDeps, guard: WriteGuard, run: RunRow, decision: Decision, attempt: number): Promise<Refused | undefined> {
  const day = period(deps.now()).day;
  const routes = run.compiled.routes;
  const version = (await deps.db.selectFrom('payout_requests').select('version').where('id', '=', run.id).executeTakeFirstOrThrow()).version;
  return deps.states
    .transaction(async (trx) => {
      await guard(trx);
      for (const a of decision.allocations) {
        const id = randomUUID();
        const row = { route: a.route, amount: a.amount, fee: a.fee, p2p: [...(a.p2p ?? [])], reserved_day: day };
        const why = await reserve(trx, run.mode, reservationOf(row, routes.get(a.route)), deps.now());
        if (why) throw new Refused(a.route, why);
        await trx
          .insertInto('payouts')
          .values({
            id,
            mode: run.mode,
            payout_request_id: run.id,
            attempt,
            route: a.route,
            amount: a.amount,
            currency: a.currency,
            fee: a.fee,
            request_amount: a.requestAmount,
            p2p: JSON.stringify(a.p2p ?? []),
            reserved_day: day,
            strategy_key: decision.strategyKey!,
            status: 'created',
            scheme: run.scheme,
            version,
            created_at: deps.now(),
            updated_at: deps.now(),
          })
          .execute();
        await logEvent(trx, { requestId: run.id }, 'payout_created', { payout: id, attempt, route: a.route, amount: a.amount, currency: a.currency, fee: a.fee, p2p: a.p2p ?? [] });
      }
      return undefined;
    })
    .catch((e: unknown) => {
      if (e instanceof Refused) return e;
      throw e;
    });
}

class Refused extends Error {
  constructor(
    readonly route: string,
    reason: string,
  ) {
    super(reason);
  }
}

