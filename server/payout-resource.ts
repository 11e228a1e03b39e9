// The payout request and the payout as the gateway's JSON:API resources, with their payouts and,
// on GET, their events; and the lists of them, newest first (requests filtered and paginated by
// an opaque cursor).
import type { Kysely, Selectable } from 'kysely';
import type { PayoutStatus } from '../runtime/payout-status.js';
import type { Database, Mode, PayoutRequestTable, PayoutTable } from './db/schema.js';
import { isCurrency, minorUnits } from '../runtime/currencies.js';
import { add, parseDecimal, roundedText, ZERO } from '../runtime/rational.js';
import { notFound, Problem } from './problem.js';
import { iso } from './route-state.js';
import { isDateTime } from './schemas.js';

type RequestRow = Selectable<PayoutRequestTable>;
type PayoutRow = Selectable<PayoutTable>;


/** What the request's succeeded payouts paid of it, in its currency. */
function processedAmount(row: RequestRow, payouts: readonly PayoutRow[]): string {
  const currency = String(row.attributes['point_currency']);
  const scale = isCurrency(currency) ? minorUnits(currency) : 2;
  const total = payouts.filter((p) => p.status === 'succeeded').reduce((sum, p) => add(sum, parseDecimal(p.request_amount) ?? ZERO), ZERO);
  return roundedText(total, scale);
}

function resource(row: RequestRow, payouts: readonly PayoutRow[], extra: Record<string, unknown> = {}) {
  return {
    type: 'payout-request',
    id: row.id,
    attributes: {
      ...row.attributes,
      status: row.status,
      resolution: row.resolution,
      block: row.block,
      scheme: row.scheme,
      version: row.version,
      created_at: iso(row.created_at),
      updated_at: iso(row.updated_at),
      processed_amount: processedAmount(row, payouts),
      payouts: payouts.map(payoutJson),
      ...extra,
    },
  };
}

async function payoutsOf(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, PayoutRow[]>> {
  const rows = ids.length ? await db.selectFrom('payouts').selectAll().where('payout_request_id', 'in', ids).orderBy('created_at').orderBy('attempt').execute() : [];
  const by = new Map<string, PayoutRow[]>(ids.map((id) => [id, []]));
  for (const p of rows) by.get(p.payout_request_id!)!.push(p);
  return by;
}

export async function payoutRequestResource(db: Kysely<Database>, mode: Mode, id: string, withEvents: boolean) {
  const row = await db.selectFrom('payout_requests').selectAll().where('mode', '=', mode).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`no payout request '${id.slice(0, 100)}'`);
  const payouts = (await payoutsOf(db, [id])).get(id)!;
  if (!withEvents) return { data: resource(row, payouts) };
  const events = await db.selectFrom('events').selectAll().where('payout_request_id', '=', id).orderBy('id').execute();
  return { data: resource(row, payouts, { events: events.map((e) => ({ type: e.type, at: iso(e.created_at), ...e.data })) }) };
}

export interface ListFilters {
  readonly status?: string;
  readonly service?: string;
  readonly point_id?: string;
  /** created_at ≥ from and < to (ISO 8601). */
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly cursor?: string;
}

interface Cursor {
  readonly at: string;
  readonly id: string;
}

const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(text: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString()) as Cursor;
    if (typeof c.at === 'string' && typeof c.id === 'string' && isDateTime(c.at) && !c.id.includes('\u0000')) return c;
  } catch {
    // falls through to the problem below
  }
  throw new Problem(400, 'invalid-body', 'the cursor is not one this service gave out');
}

function date(text: string | undefined, name: string): Date | undefined {
  if (text === undefined) return undefined;
  if (!isDateTime(text)) throw new Problem(400, 'invalid-body', `${name} must be a date-time such as 2026-11-20T00:00:00Z`);
  return new Date(text);
}

/** Newest first; `next_cursor` continues after the last one, null at the end. */
export async function listPayoutRequests(db: Kysely<Database>, mode: Mode, f: ListFilters) {
  const from = date(f.from, 'from');
  const to = date(f.to, 'to');
  const after = f.cursor === undefined ? undefined : decodeCursor(f.cursor);
  let q = db.selectFrom('payout_requests').selectAll().where('mode', '=', mode);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.service) q = q.where('service', '=', f.service);
  if (f.point_id) q = q.where('point_id', '=', f.point_id);
  if (from) q = q.where('created_at', '>=', from);
  if (to) q = q.where('created_at', '<', to);
  if (after) q = q.where((eb) => eb.or([eb('created_at', '<', new Date(after.at)), eb.and([eb('created_at', '=', new Date(after.at)), eb('id', '<', after.id)])]));
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  const payouts = await payoutsOf(db, page.map((r) => r.id));
  const last = page.at(-1);
  const next = rows.length > f.limit && last ? encodeCursor({ at: iso(last.created_at), id: last.id }) : null;
  return { data: page.map((r) => resource(r, payouts.get(r.id)!)), meta: { next_cursor: next } };
}

/** A payout as the API shows it (and as merchant events carry it). */
export function payoutJson(p: PayoutRow) {
  return {
    id: p.id,
    payout_request_id: p.payout_request_id,
    attempt: p.attempt,
    route: p.route,
    amount: p.amount,
    currency: p.currency,
    fee: p.fee,
    request_amount: p.request_amount,
    p2p: p.p2p,
    status: p.status,
    error: p.error,
    reference: p.reference,
  };
}

/** A payout of the mode as the API's JSON:API resource. */
export async function payoutResource(db: Kysely<Database>, mode: Mode, id: string, withEvents: boolean) {
  const row = await db.selectFrom('payouts').selectAll().where('mode', '=', mode).where('id', '=', id).executeTakeFirst();
  if (!row) throw new Problem(404, 'not-found', `no payout '${id.slice(0, 100)}'`);
  const events = withEvents ? await db.selectFrom('events').selectAll().where('payout_id', '=', id).orderBy('id').execute() : [];
  return { data: payoutData(row, withEvents ? events.map((e) => ({ type: e.type, at: new Date(e.created_at).toISOString(), ...e.data })) : undefined) };
}

function payoutData(row: PayoutRow, events?: Record<string, unknown>[]) {
  const { id, ...attributes } = payoutJson(row);
  return {
    type: 'payout',
    id,
    attributes: { ...attributes, point_id: row.point_id, created_at: new Date(row.created_at).toISOString(), updated_at: new Date(row.updated_at).toISOString(), ...(events ? { events } : {}) },
  };
}

/** The mode's payouts, newest first (both the payout operation's and those of payout requests). */
export async function listPayouts(db: Kysely<Database>, mode: Mode, limit: number, status?: PayoutStatus) {
  let q = db.selectFrom('payouts').selectAll().where('mode', '=', mode);
  if (status) q = q.where('status', '=', status);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return { data: rows.map((r) => payoutData(r)) };
}
