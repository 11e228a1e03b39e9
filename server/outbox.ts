// The merchant's events, written to an outbox in the transaction that makes the change they tell
// of: one event and one delivery per endpoint of the mode, so an event is sent if and only if the
// change committed. The delivery worker (webhook-delivery.ts) sends them.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database, Mode } from './db/schema.js';

export const MERCHANT_EVENT_TYPES = [
  'payout_request.processed',
  'payout_request.failed',
  'payout_request.reversed',
  'payout.succeeded',
  'payout.failed',
  'payout.reversed',
] as const;

export type MerchantEventType = (typeof MERCHANT_EVENT_TYPES)[number];

/** What a receiver gets: `id` is the same on every attempt, for deduplication. */
export interface MerchantEvent {
  readonly id: string;
  readonly type: MerchantEventType;
  readonly created_at: string;
  readonly data: Record<string, unknown>;
}

const newEventId = (): string => `evt_${randomUUID().replaceAll('-', '')}`;

/**
 * Writes the event and a delivery for each of the mode's endpoints, in one statement inside the
 * caller's transaction (`trx`). With no endpoint nothing is written: there is nobody to tell.
 */
export async function enqueueEvent(trx: Kysely<Database>, mode: Mode, type: MerchantEventType, data: Record<string, unknown>): Promise<void> {
  const now = new Date();
  const event: MerchantEvent = { id: newEventId(), type, created_at: now.toISOString(), data };
  await sql`
    with endpoints as (select id from webhook_endpoints where mode = ${mode} and deleted_at is null),
    event as (
      insert into webhook_events (id, mode, type, body, created_at)
      select ${event.id}, ${mode}, ${type}, ${JSON.stringify(event)}, ${now} where exists (select 1 from endpoints)
      returning id)
    insert into webhook_deliveries (id, endpoint_id, event_id, status, next_attempt_at, retry_since, created_at)
    select 'whd_' || replace(gen_random_uuid()::text, '-', ''), endpoints.id, event.id, 'pending', ${now}, ${now}, ${now}
    from endpoints cross join event`.execute(trx);
}
