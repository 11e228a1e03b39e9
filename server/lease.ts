// Fenced runs: one runner at a time drives a payout request. Taking the lease bumps the request's
// fence; every write the runner makes first locks the request's row and checks the fence is still
// its own, so a runner that lost its lease (it stalled past it and another took over) stops
// without writing. Recovery takes only leases that ended.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './db/schema.js';

export interface Lease {
  readonly requestId: string;
  readonly fence: number;
  readonly owner: string;
}

/** A runner whose lease another runner took: it must stop, and has written nothing since. */
export class LeaseLost extends Error {
  constructor(readonly requestId: string) {
    super(`the lease on payout request ${requestId} was taken by another runner`);
  }
}

const until = (now: Date, ms: number): Date => new Date(now.getTime() + ms);

/** Takes the lease of a request still processing whose lease is free or ended; undefined when another runner holds it. */
export async function takeLease(db: Kysely<Database>, requestId: string, now: Date, leaseMs: number): Promise<Lease | undefined> {
  const owner = randomUUID();
  const row = await db
    .updateTable('payout_requests')
    .set((eb) => ({ fence: eb('fence', '+', 1), lease_owner: owner, lease_until: until(now, leaseMs), updated_at: now }))
    .where('id', '=', requestId)
    .where('status', '=', 'processing')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .returning('fence')
    .executeTakeFirst();
  return row ? { requestId, fence: row.fence, owner } : undefined;
}

/**
 * Checks, inside the caller's transaction, that the lease is still this runner's (locking the
 * request's row until the transaction ends), and extends it: every write is a heartbeat.
 */
export async function holdLease(trx: Kysely<Database>, lease: Lease, now: Date, leaseMs: number): Promise<void> {
  const row = await trx.selectFrom('payout_requests').select('fence').where('id', '=', lease.requestId).forUpdate().executeTakeFirst();
  if (row?.fence !== lease.fence) throw new LeaseLost(lease.requestId);
  await trx.updateTable('payout_requests').set({ lease_until: until(now, leaseMs), updated_at: now }).where('id', '=', lease.requestId).execute();
}

/** Gives the lease up (the run waits for providers, or ended); nothing if another runner took it meanwhile. */
export async function dropLease(db: Kysely<Database>, lease: Lease, now: Date): Promise<void> {
  await db
    .updateTable('payout_requests')
    .set({ lease_owner: null, lease_until: null, updated_at: now })
    .where('id', '=', lease.requestId)
    .where('fence', '=', lease.fence)
    .execute();
}

/**
 * Requests a runner should look at: processing, with no live lease, untouched for `idleMs`, and
 * not merely waiting for providers (a payout's change wakes those).
 */
export async function idleRequests(db: Kysely<Database>, now: Date, idleMs: number, limit: number): Promise<string[]> {
  const cutoff = new Date(now.getTime() - idleMs);
  const rows = await db
    .selectFrom('payout_requests')
    .select('id')
    .where('status', '=', 'processing')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .where('updated_at', '<', cutoff)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('payouts').select('payouts.id').whereRef('payouts.payout_request_id', '=', 'payout_requests.id').where('payouts.status', 'in', ['sent', 'pending', 'unknown']))),
    )
    .orderBy('updated_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Hands back the leases of runs still going when the process stops: each is released and its fence
 * bumped, so the cut-short runner can write nothing more and another instance may take the request
 * at once (on a payout's change; recovery's sweep once the request has been idle for the lease).
 */
export async function handBack(db: Kysely<Database>, held: ReadonlySet<Lease>): Promise<void> {
  for (const lease of held) {
    await db
      .updateTable('payout_requests')
      .set((eb) => ({ fence: eb('fence', '+', 1), lease_owner: null, lease_until: null }))
      .where('id', '=', lease.requestId)
      .where('fence', '=', lease.fence)
      .execute();
  }
}
