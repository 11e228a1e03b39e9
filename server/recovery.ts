// The gateway's background work: asks providers for the status of payouts that are due a check
// (sent, pending, unknown; with backoff), and takes over requests nobody drives (their runner died,
// or a payout's change was committed but its request never went on). Every instance runs it;
// claims use SKIP LOCKED and leases, so two never work on the same payout or request at once.
import { sql } from 'kysely';
import { advance, payoutChanged, type GatewayDeps } from './gateway.js';
import { idleRequests } from './lease.js';
import { checkPayout, POLL_CAP_MS, type PayoutRow } from './payouts.js';

export interface Recovery {
  /** Checks every due payout and resumes every idle request now; returns how many it handled. */
  sweep(): Promise<number>;
  /** Stops the timer and waits for a sweep under way. */
  stop(): Promise<void>;
}

/** How many payouts or requests one sweep takes at a time. */
const BATCH = 20;

/**
 * Claims due payouts by setting their next check by the backoff (so another instance skips them
 * meanwhile, and an answer that changes nothing leaves them due then).
 */
async function claimDue(deps: GatewayDeps): Promise<PayoutRow[]> {
  const now = deps.now();
  const backoffMs = sql`least(${POLL_CAP_MS}, ${deps.pollBaseMs} * power(2, least(checks, 20)))`;
  const claimed = await sql<PayoutRow>`
    update payouts set next_check_at = ${now}::timestamptz + make_interval(secs => ${backoffMs} / 1000.0), checks = checks + 1
    where id in (select id from payouts where status in ('sent', 'pending', 'unknown', 'succeeded')
                 and next_check_at is not null and next_check_at <= ${now}
                 order by next_check_at limit ${BATCH} for update skip locked)
    returning *`.execute(deps.db);
  return claimed.rows;
}

export function startRecovery(deps: GatewayDeps, intervalMs: number, log: (line: string) => void): Recovery {
  let running: Promise<number> | undefined;
  const checkDue = async (): Promise<number> => {
    let n = 0;
    for (let due = await claimDue(deps); due.length; due = await claimDue(deps)) {
      for (const row of due) {
        await payoutChanged(deps, await checkPayout(deps, row));
        n++;
      }
    }
    return n;
  };
  const resumeIdle = async (): Promise<number> => {
    const ids = await idleRequests(deps.db, deps.now(), deps.leaseMs, BATCH);
    for (const id of ids) {
      await advance(deps, id);
      log(`resumed payout request ${id}`);
    }
    return ids.length;
  };
  const sweepOnce = async (): Promise<number> => (await checkDue()) + (await resumeIdle());
  const sweep = (): Promise<number> => (running ??= sweepOnce().finally(() => (running = undefined)));
  const timer = setInterval(() => void sweep().catch((e: unknown) => log(`payout sweep failed: ${e instanceof Error ? e.message : String(e)}`)), intervalMs);
  timer.unref();
  const stop = async (): Promise<void> => {
    clearInterval(timer);
    await running?.catch(() => undefined);
  };
  return { sweep, stop };
}
