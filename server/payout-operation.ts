// The payout operation: one payout to a named route, without routing. The route's line in the
// payout point's active scheme prices it; it is reserved, sent and followed to its final status
// exactly as a payout request's payouts are (payouts.ts).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { isCurrency, minorUnits } from '../runtime/currencies.js';
import { big, norm } from '../runtime/int.js';
import { feeUnits } from '../runtime/quote.js';
import { cmp, fromMinor, parseJsonDecimal, roundedText, roundHalfUp, ZERO } from '../runtime/rational.js';
import type { Database, Mode } from './db/schema.js';
import { requestHash, pointScheme } from './gateway.js';
import { logEvent, reservationOf, sendPayout, type PayoutDeps } from './payouts.js';
import { Problem } from './problem.js';
import { period, reserve } from './route-state.js';

export interface PayoutAttributes {
  readonly route: string;
  readonly amount: string | number;
  readonly currency: string;
  readonly point_id: string;
  readonly fields?: Record<string, unknown>;
}

const invalid = (path: string, message: string): Problem => new Problem(422, 'invalid-request', `${path}: ${message}`, { errors: [{ path, message }] });

/** The payout an Idempotency-Key named before, when its body was the same; 422 when it was another. */
export async function findPayoutByKey(db: Kysely<Database>, mode: Mode, key: string, hash: string): Promise<string | undefined> {
  const row = await db.selectFrom('payouts').select(['id', 'request_hash']).where('mode', '=', mode).where('idempotency_key', '=', key).executeTakeFirst();
  if (row && row.request_hash !== hash) throw new Problem(422, 'idempotency-key-reused', `Idempotency-Key '${key}' was used with another body`);
  return row?.id;
}

/** The debit in the route's minor units, exact: 422 when it is not a positive amount its currency can hold. */
function debitOf(attrs: PayoutAttributes, scale: number) {
  const amount = parseJsonDecimal(attrs.amount);
  if (!amount || cmp(amount, ZERO) <= 0) throw invalid('/data/attributes/amount', 'must be a positive decimal amount');
  const units = roundHalfUp(amount, scale);
  if (cmp(fromMinor(units, scale), amount) !== 0) throw invalid('/data/attributes/amount', `has more than ${scale} decimal places for ${attrs.currency}`);
  return units;
}

/**
 * Reserves and sends a payout to a named route; returns its id. Refused before anything is stored
 * when the point, the route or the amount is wrong (422), or the route cannot cover it now (409).
 */
export async function createPayout(deps: PayoutDeps, mode: Mode, attrs: PayoutAttributes, key: string | undefined): Promise<string> {
  const hash = requestHash(attrs);
  if (key !== undefined) {
    const earlier = await findPayoutByKey(deps.db, mode, key, hash);
    if (earlier) return earlier;
  }
  const schemeName = await pointScheme(deps.db, mode, attrs.point_id, attrs.currency);
  const active = await deps.schemes.resolve(mode, schemeName);
  const def = active.scheme.routes.get(attrs.route);
  if (!def) throw invalid('/data/attributes/route', `is not a route of scheme '${schemeName}'`);
  if (def.currency !== attrs.currency || !isCurrency(attrs.currency)) throw invalid('/data/attributes/currency', `route ${def.name} pays in ${def.currency}`);
  const scale = minorUnits(def.currency);
  const units = debitOf(attrs, scale);
  const amount = roundedText(fromMinor(units, scale), scale);
  const fee = roundedText(fromMinor(big(feeUnits(def, norm(units))), scale), scale);
  const id = randomUUID();
  const now = deps.now();
  const row = { route: def.name, amount, fee, p2p: [], reserved_day: period(now).day };
  await deps.states.transaction(async (trx) => {
    const why = await reserve(trx, mode, reservationOf(row, def), now);
    if (why) {
      deps.telemetry.metrics.reservationConflict(mode, def.name);
      throw new Problem(409, 'conflict', why);
    }
    const inserted = await trx
      .insertInto('payouts')
      .values({
        id,
        mode,
        payout_request_id: null,
        attempt: 1,
        route: def.name,
        amount,
        currency: def.currency,
        fee,
        request_amount: amount,
        p2p: '[]',
        reserved_day: row.reserved_day,
        strategy_key: '',
        status: 'created',
        scheme: schemeName,
        version: active.version,
        idempotency_key: key ?? null,
        request_hash: hash,
        point_id: attrs.point_id,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['mode', 'idempotency_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    // A concurrent request with the same key won: this one takes nothing.
    if (!inserted) throw new Problem(409, 'conflict', `a payout with Idempotency-Key '${key}' is being created`);
    await logEvent(trx, { id, payout_request_id: null }, 'payout_created', { payout: id, route: def.name, amount, currency: def.currency, fee });
  });
  deps.telemetry.metrics.payout(mode, def.name, 'created');
  await sendPayout(deps, id);
  return id;
}

