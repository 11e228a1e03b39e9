// Payouts: one amount sent to one route's provider. Sending, asking for a status, and applying an
// answer (from the send, a status query or a webhook) are the same steps for a request's payouts
// and for the payout operation's. An answer is applied under the payout's row lock and by the
// run's rules (runtime/payout-run.ts), so a duplicate or stale answer changes nothing.
import type { Kysely, Selectable } from 'kysely';
import type { CompiledScheme } from '../compiler/compile.js';
import { inBase } from '../runtime/commit.js';
import { minorUnits } from '../runtime/currencies.js';
import { settle, type RunPayout, type Settlement } from '../runtime/payout-run.js';
import { type ProviderAnswer } from '../runtime/payout-status.js';
import { add, parseDecimal, ratToString, roundedText } from '../runtime/rational.js';
import { parseState } from '../runtime/state.js';
import type { RouteDef } from '../runtime/types.js';
import type { Connector, PayoutOrder } from './connectors/connector.js';
import type { Database, Mode, PayoutTable } from './db/schema.js';
import { enqueueEvent } from './outbox.js';
import { payoutResource } from './payout-resource.js';
import { addVolume, loadRates, release, type Reservation } from './route-state.js';
import type { Schemes } from './schemes.js';
import type { StateSnapshots } from './state-snapshots.js';
import type { Telemetry } from './telemetry.js';

export type PayoutRow = Selectable<PayoutTable>;

/** Where a route's connector comes from (server/connectors/registry.ts). */
export interface ConnectorSource {
  forRoute(mode: Mode, route: string): Promise<Connector>;
  /** The connectors configured for a route in either mode, to verify a webhook addressed to it. */
  forWebhook(route: string): Promise<{ mode: Mode; connector: Connector }[]>;
}

export interface PayoutDeps {
  readonly db: Kysely<Database>;
  readonly schemes: Schemes;
  readonly states: StateSnapshots;
  readonly connectors: ConnectorSource;
  readonly now: () => Date;
  /** The first status query waits this long; each later one twice as long, up to POLL_CAP_MS. */
  readonly pollBaseMs: number;
  readonly telemetry: Telemetry;
}

/** A guard the run puts on each write: it throws when the run lost its lease. */
export type WriteGuard = (trx: Kysely<Database>) => Promise<void>;

export const POLL_CAP_MS = 5 * 60_000;


/** When to ask for a payout's status next: backoff doubling from pollBaseMs. */
export function nextCheck(deps: PayoutDeps, checks: number): Date {
  return new Date(deps.now().getTime() + Math.min(POLL_CAP_MS, deps.pollBaseMs * 2 ** Math.min(checks, 20)));
}

export function orderOf(row: PayoutRow): PayoutOrder {
  return { id: row.id, mode: row.mode, route: row.route, amount: row.amount, currency: row.currency, reference: row.reference, sentAt: row.sent_at ? new Date(row.sent_at).getTime() : null };
}

/** The run's view of a payout row: amounts exact. */
export function runPayout(row: PayoutRow): RunPayout {
  return {
    id: row.id,
    route: row.route,
    attempt: row.attempt,
    status: row.status,
    amount: parseDecimal(row.amount)!,
    fee: parseDecimal(row.fee)!,
    piece: parseDecimal(row.request_amount)!,
    error: row.error,
  };
}

/** What a payout's reservation took: debit + fee from the balance, the debit from the caps, its p2p payments. */
export function reservationOf(row: Pick<PayoutRow, 'route' | 'amount' | 'fee' | 'p2p' | 'reserved_day'>, def: RouteDef | undefined): Reservation {
  const cost = ratToString(add(parseDecimal(row.amount)!, parseDecimal(row.fee)!));
  return { route: row.route, debit: row.amount, cost, daily: def?.daily ? ratToString(def.daily) : null, monthly: def?.monthly ? ratToString(def.monthly) : null, p2p: row.p2p, day: row.reserved_day };
}

/** The compiled scheme version a payout was priced by. */
async function schemeOf(deps: PayoutDeps, row: PayoutRow): Promise<CompiledScheme> {
  return (await deps.schemes.resolve(row.mode, row.scheme!, row.version ?? undefined)).scheme;
}

/** Appends to the event log of the payout's request (or of the payout, made without one). */
export async function logEvent(db: Kysely<Database>, row: Pick<PayoutRow, 'id' | 'payout_request_id'> | { requestId: string }, type: string, data: Record<string, unknown>): Promise<void> {
  const ids = 'requestId' in row ? { payout_request_id: row.requestId, payout_id: null } : { payout_request_id: row.payout_request_id, payout_id: row.id };
  await db.insertInto('events').values({ ...ids, type, data: JSON.stringify(data) }).execute();
}

/**
 * Sends a payout that was reserved (or that its provider never received): marks it `sent` and due
 * for a status query first, so a crash during the send leaves it asked about, never failed over
 * blindly; then applies the answer. Returns the payout's request id when its status changed.
 */
export async function sendPayout(deps: PayoutDeps, id: string, guard?: WriteGuard): Promise<string | null | undefined> {
  const sent = await deps.db.transaction().execute(async (trx) => {
    await guard?.(trx);
    const row = await trx.selectFrom('payouts').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
    if (row.status !== 'created' && row.status !== 'unknown' && row.status !== 'sent') return undefined;
    const now = deps.now();
    return trx
      .updateTable('payouts')
      .set({ status: row.status === 'created' ? 'sent' : row.status, sent_at: row.sent_at ?? now, next_check_at: nextCheck(deps, row.checks), updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  if (!sent) return undefined;
  const connector = await deps.connectors.forRoute(sent.mode, sent.route);
  const answer = await connector.send(orderOf(sent)).catch((e: unknown): ProviderAnswer => ({ kind: 'unknown', reason: e instanceof Error ? e.message : String(e) }));
  return applyAnswer(deps, id, answer, 'send', guard);
}

/** Asks a payout's provider for its status and applies the answer; a payout it never received is sent again. */
export async function checkPayout(deps: PayoutDeps, row: PayoutRow): Promise<string | null | undefined> {
  const connector = await deps.connectors.forRoute(row.mode, row.route);
  const answer = await connector.status(orderOf(row)).catch((e: unknown): ProviderAnswer => ({ kind: 'unknown', reason: e instanceof Error ? e.message : String(e) }));
  if (answer.kind === 'not_found') return sendPayout(deps, row.id);
  return applyAnswer(deps, row.id, answer, 'status');
}

/**
 * Applies one provider answer to a payout in one transaction: its status, what goes back to the
 * route, its volume, the event log and the merchant's event. Returns the payout's request id
 * (null without one) when something changed, undefined when the answer changed nothing.
 */
export async function applyAnswer(deps: PayoutDeps, id: string, answer: ProviderAnswer, via: 'send' | 'status' | 'webhook', guard?: WriteGuard): Promise<string | null | undefined> {
  const row = await deps.db.selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const scheme = await schemeOf(deps, row);
  const def = scheme.routes.get(row.route);
  let reached: string | undefined;
  const changed = await deps.states.transaction(async (trx) => {
    await guard?.(trx);
    // Locks in one order everywhere (request, payout, route), or a run and a webhook deadlock.
    if (row.payout_request_id) await trx.selectFrom('payout_requests').select('id').where('id', '=', row.payout_request_id).forUpdate().execute();
    const locked = await trx.selectFrom('payouts').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
    const requestScale = minorUnits(locked.payout_request_id ? await requestCurrency(trx, locked.payout_request_id) : locked.currency);
    const s = def ? settle({ ...runPayout(locked), reference: locked.reference, requestScale }, answer, def) : null;
    if (!s) return undefined;
    if (s.resend) {
      await trx.updateTable('payouts').set({ status: 'created', updated_at: deps.now() }).where('id', '=', id).execute();
      await logEvent(trx, locked, 'provider_answer', { payout: id, route: locked.route, via, status: 'not_found' });
      return locked.payout_request_id;
    }
    await write(deps, trx, locked, s, def!, requestScale, scheme);
    reached = s.status;
    await logEvent(trx, locked, 'provider_answer', { payout: id, route: locked.route, via, status: s.status, ...answerDetail(answer) });
    if (s.event) await enqueueEvent(trx, locked.mode, s.event, (await payoutResource(trx, locked.mode, id, false)).data);
    return locked.payout_request_id;
  });
  if (reached) deps.telemetry.metrics.payout(row.mode, row.route, reached);
  return changed;
}

function answerDetail(answer: ProviderAnswer): Record<string, unknown> {
  if (answer.kind === 'failed') return { error: answer.code };
  if (answer.kind === 'succeeded' && answer.processed !== undefined) return { processed: answer.processed };
  if (answer.kind === 'unknown') return { reason: answer.reason.slice(0, 200) };
  return {};
}

async function requestCurrency(trx: Kysely<Database>, requestId: string): Promise<string> {
  const r = await trx.selectFrom('payout_requests').select('attributes').where('id', '=', requestId).executeTakeFirstOrThrow();
  return String(r.attributes['point_currency']);
}

/** The settlement's writes: the payout's row, the give-back to its route, and its volume. */
async function write(deps: PayoutDeps, trx: Kysely<Database>, row: PayoutRow, s: Settlement, def: RouteDef, requestScale: number, scheme: CompiledScheme): Promise<void> {
  const scale = def.calc.scale;
  const open = s.status === 'sent' || s.status === 'pending' || s.status === 'unknown';
  await trx
    .updateTable('payouts')
    .set({
      status: s.status,
      amount: roundedText(s.amount, scale),
      fee: roundedText(s.fee, scale),
      request_amount: roundedText(s.piece, requestScale),
      error: s.error,
      reference: s.reference,
      next_check_at: open || s.watch ? nextCheck(deps, row.checks) : null,
      updated_at: deps.now(),
    })
    .where('id', '=', row.id)
    .execute();
  if (s.giveBack) {
    const r = reservationOf(row, def);
    await release(trx, row.mode, { ...r, debit: ratToString(s.giveBack.debit), cost: ratToString(s.giveBack.cost), p2p: s.giveBack.p2p ? r.p2p : [] });
  }
  if (s.volume && row.strategy_key) await recordVolume(trx, row, roundedText(s.volume, requestScale), scheme);
}

/** Adds a paid piece (in the scheme's base) to its strategy's volume, the history `weight` reads. */
async function recordVolume(trx: Kysely<Database>, row: PayoutRow, piece: string, scheme: CompiledScheme): Promise<void> {
  const currency = row.payout_request_id ? await requestCurrency(trx, row.payout_request_id) : row.currency;
  const rates = await loadRates(trx, row.mode, scheme);
  const inBaseAmount = inBase(parseState({ rates }).state, parseDecimal(piece)!, currency, scheme.settings.base);
  if (!inBaseAmount) return;
  await addVolume(trx, row.mode, row.scheme!, row.strategy_key, row.route, roundedText(inBaseAmount, VOLUME_SCALE));
}

/** Volumes are history for `weight`; pieces converted by a derived rate are kept to 12 places. */
const VOLUME_SCALE = 12;

