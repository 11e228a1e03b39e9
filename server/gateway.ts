// Payout requests: blocks and routing, an atomic reservation, the provider, and failover with
// the failed route excluded until the scheme's attempts are spent. Every step is an event.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CompiledScheme } from '../compiler/compile.js';
import { routesOf } from '../compiler/lower.js';
import { decide } from '../index.js';
import { inBase } from '../runtime/commit.js';
import { minorUnits } from '../runtime/currencies.js';
import { add, parseDecimal, ratToString, roundHalfUp, sub, toDecimalString, type Rat } from '../runtime/rational.js';
import { parseState } from '../runtime/state.js';
import type { Allocation, Decision } from '../runtime/types.js';
import type { Database, Mode } from './db/schema.js';
import { decisionJson } from '../runtime/decision-json.js';
import { Problem } from './problem.js';
import type { Provider } from './providers.js';
import { addVolume, loadState, release, reserve, type Reservation } from './route-state.js';
import type { Schemes } from './schemes.js';

export interface GatewayDeps {
  readonly db: Kysely<Database>;
  readonly schemes: Schemes;
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

/** Volumes are history for `weight`; pieces converted by a derived rate are kept to 12 places. */
const VOLUME_SCALE = 12;
/** Reservations refused by a concurrent payout re-decide without costing an attempt; this bounds them. */
const MAX_STEPS = 50;

export async function findByIdempotencyKey(db: Kysely<Database>, mode: Mode, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('payout_requests').select(['id', 'status']).where('mode', '=', mode).where('idempotency_key', '=', key).executeTakeFirst();
  if (row?.status === 'processing') throw new Problem(409, 'conflict', `a payout request with Idempotency-Key '${key}' is still being processed`);
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

/** Runs a payout request to its end; returns its id. Invalid requests are refused before anything is stored. */
export async function processPayoutRequest(deps: GatewayDeps, mode: Mode, attrs: PayoutRequestAttributes, idempotencyKey: string | undefined): Promise<string> {
  const schemeName = await pointScheme(deps.db, mode, attrs);
  const active = await deps.schemes.resolve(mode, schemeName);
  const request = {
    amount: attrs.point_amount,
    currency: attrs.point_currency,
    service: attrs.service,
    point: attrs.point_id,
    created_at: deps.now().toISOString(),
    test_mode: attrs.test_mode ?? mode === 'test',
    ...(attrs.country === undefined ? {} : { country: attrs.country }),
    fields: attrs.fields ?? {},
  };
  const errors = active.scheme.validate(request);
  if (errors.length) throw new Problem(422, 'invalid-request', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  const id = randomUUID();
  const inserted = await deps.db
    .insertInto('payout_requests')
    .values({ id, mode, idempotency_key: idempotencyKey ?? null, status: 'processing', point_id: attrs.point_id, scheme: schemeName, version: active.version, attributes: JSON.stringify(attrs) })
    .onConflict((oc) => oc.columns(['mode', 'idempotency_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return (await findByIdempotencyKey(deps.db, mode, idempotencyKey!))!;
  const final = await new Run(deps, mode, id, schemeName, active.scheme, request).run();
  await deps.db.updateTable('payout_requests').set({ ...final, updated_at: deps.now() }).where('id', '=', id).execute();
  await new Events(deps.db, id).add('final_status', final);
  return id;
}

class Events {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly requestId: string,
  ) {}

  async add(type: string, data: Record<string, unknown>): Promise<void> {
    await this.db.insertInto('events').values({ payout_request_id: this.requestId, type, data: JSON.stringify(data) }).execute();
  }
}

/** One payout request's way through attempts and failover. */
class Run {
  private attempt = 1;
  private readonly exclude: string[] = [];
  /** Routes whose balance or caps a concurrent payout took first: not failures, not attempts. */
  private readonly refused = new Set<string>();
  private lastError: string | undefined;
  private remaining: Rat;
  private readonly events: Events;
  private readonly caps: ReturnType<typeof routesOf>;

  constructor(
    private readonly deps: GatewayDeps,
    private readonly mode: Mode,
    private readonly id: string,
    private readonly schemeName: string,
    private readonly scheme: CompiledScheme,
    private readonly request: Record<string, unknown>,
  ) {
    this.remaining = parseDecimal(String(request['amount']))!;
    this.events = new Events(deps.db, id);
    this.caps = routesOf(scheme.ast);
  }

  async run(): Promise<Final> {
    for (let step = 0; step < MAX_STEPS; step++) {
      const stateJson = await loadState(this.deps.db, this.mode, this.schemeName, this.scheme, this.deps.now());
      const decision = this.decide(stateJson);
      await this.events.add('decision', { attempt: this.attempt, amount: this.amountText(), exclude: [...this.excluded()], decision: decisionJson(decision) });
      if (decision.status !== 'routed') return this.end(decision);
      const reserved = await this.reserveAll(decision.allocations);
      if (!reserved) continue;
      const failed = await this.pay(decision, reserved, stateJson);
      if (!failed.length) return { status: 'processed', resolution: null, block: null };
      this.lastError = failed[failed.length - 1]!;
      this.attempt++;
      await this.events.add('failover', { next_attempt: this.attempt, exclude: [...this.exclude], last_error: this.lastError, remaining: this.amountText() });
    }
    return { status: 'failed', resolution: 'STRATEGY_CONFIGURED_ROUTES_WERE_FILTERED', block: null };
  }

  private excluded(): Set<string> {
    return new Set([...this.exclude, ...this.refused]);
  }

  private amountText(): string {
    const scale = minorUnits(String(this.request['currency']));
    return toDecimalString(roundHalfUp(this.remaining, scale), scale);
  }

  private decide(stateJson: Record<string, unknown>): Decision {
    const req = {
      ...this.request,
      amount: this.amountText(),
      attempt: this.attempt,
      exclude: [...this.excluded()],
      ...(this.lastError === undefined ? {} : { last_error: this.lastError }),
    };
    const d = decide(this.scheme, req, stateJson, { trace: true });
    if (d.status === 'invalid') throw new Problem(500, 'internal', `stored state is unreadable: ${d.errors.map((e) => e.message).join('; ')}`);
    return d;
  }

  private end(d: Decision): Final {
    if (d.status === 'blocked') return { status: 'blocked', resolution: null, block: d.block };
    // A request some of whose payouts went through keeps them; its status says the rest failed.
    return { status: 'failed', resolution: d.resolution, block: null };
  }

  private reservationOf(a: Allocation): Reservation {
    const def = this.caps.get(a.route);
    const cost = ratToString(add(parseDecimal(a.amount)!, parseDecimal(a.fee)!));
    return { route: a.route, debit: a.amount, cost, daily: def?.daily ? ratToString(def.daily) : null, monthly: def?.monthly ? ratToString(def.monthly) : null, p2p: a.p2p ?? [] };
  }

  /** All allocations or none: a refusal gives back what was taken and re-decides without that route. */
  private async reserveAll(allocations: readonly Allocation[]): Promise<Reservation[] | undefined> {
    const done: Reservation[] = [];
    for (const a of allocations) {
      const r = this.reservationOf(a);
      const why = await reserve(this.deps.db, this.mode, r, this.deps.now());
      if (why) {
        for (const d of done) await release(this.deps.db, this.mode, d, this.deps.now());
        this.refused.add(a.route);
        await this.events.add('reservation_refused', { route: a.route, reason: why });
        return undefined;
      }
      done.push(r);
    }
    return done;
  }

  /** Sends each allocation; returns the error codes of those the provider refused. */
  private async pay(decision: Decision, reserved: readonly Reservation[], stateJson: Record<string, unknown>): Promise<string[]> {
    const errors: string[] = [];
    const rates = parseState(stateJson).state;
    for (const [i, a] of decision.allocations.entries()) {
      const payoutId = randomUUID();
      await this.deps.db
        .insertInto('payouts')
        .values({ id: payoutId, payout_request_id: this.id, attempt: this.attempt, route: a.route, amount: a.amount, currency: a.currency, fee: a.fee, request_amount: a.requestAmount, p2p: JSON.stringify(a.p2p ?? []), status: 'pending' })
        .execute();
      await this.events.add('payout_created', { payout: payoutId, attempt: this.attempt, route: a.route, amount: a.amount, currency: a.currency, fee: a.fee, p2p: a.p2p ?? [] });
      const answer = await this.deps.provider.send(this.mode, a.route);
      await this.events.add('provider_answer', { payout: payoutId, route: a.route, ...(answer.ok ? { ok: true } : { ok: false, error: answer.code }) });
      await this.deps.db.updateTable('payouts').set(answer.ok ? { status: 'succeeded' } : { status: 'failed', error: answer.code }).where('id', '=', payoutId).execute();
      if (answer.ok) {
        this.remaining = sub(this.remaining, parseDecimal(a.requestAmount)!);
        await this.recordVolume(decision.strategyKey!, a, rates);
      } else {
        errors.push(answer.code);
        this.exclude.push(a.route);
        await release(this.deps.db, this.mode, reserved[i]!, this.deps.now());
      }
    }
    return errors;
  }

  private async recordVolume(strategyKey: string, a: Allocation, state: ReturnType<typeof parseState>['state']): Promise<void> {
    const piece = inBase(state, parseDecimal(a.requestAmount)!, String(this.request['currency']), this.scheme.settings.base);
    if (!piece) return;
    const rounded = toDecimalString(roundHalfUp(piece, VOLUME_SCALE), VOLUME_SCALE);
    await addVolume(this.deps.db, this.mode, this.schemeName, strategyKey, a.route, rounded);
  }
}
