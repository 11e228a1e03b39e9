// The payout request as the gateway's JSON:API resource, with its payouts and, on GET, its events.
import type { Kysely } from 'kysely';
import type { Database, Mode } from './db/schema.js';
import { notFound } from './problem.js';

const iso = (d: Date | string): string => new Date(d).toISOString();

export async function payoutRequestResource(db: Kysely<Database>, mode: Mode, id: string, withEvents: boolean) {
  const row = await db.selectFrom('payout_requests').selectAll().where('mode', '=', mode).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`no payout request '${id.slice(0, 100)}'`);
  const payouts = await db.selectFrom('payouts').selectAll().where('payout_request_id', '=', id).orderBy('created_at').orderBy('attempt').execute();
  const events = withEvents ? await db.selectFrom('events').selectAll().where('payout_request_id', '=', id).orderBy('id').execute() : [];
  return {
    data: {
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
        payouts: payouts.map((p) => ({
          id: p.id,
          attempt: p.attempt,
          route: p.route,
          amount: p.amount,
          currency: p.currency,
          fee: p.fee,
          request_amount: p.request_amount,
          p2p: p.p2p,
          status: p.status,
          error: p.error,
        })),
        ...(withEvents ? { events: events.map((e) => ({ type: e.type, at: iso(e.created_at), ...e.data })) } : {}),
      },
    },
  };
}
