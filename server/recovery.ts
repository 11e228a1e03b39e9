// Crash recovery: a payout request left `processing` with no heartbeat for a while belonged to an
// instance that died. One instance claims it (SKIP LOCKED, so two never take the same one),
// settles its pending payouts with the provider and carries it to a final state.
import { sql } from 'kysely';
import { resumePayoutRequest, type GatewayDeps } from './gateway.js';

export interface Recovery {
  /** Resumes every stale request now; returns how many. */
  sweep(): Promise<number>;
  stop(): void;
}

export function startRecovery(deps: GatewayDeps, staleAfterMs: number, log: (line: string) => void): Recovery {
  let running: Promise<number> | undefined;
  const claim = async (): Promise<string | undefined> => {
    const cutoff = new Date(deps.now().getTime() - staleAfterMs);
    const claimed = await sql<{ id: string }>`
      update payout_requests set updated_at = ${deps.now()}
      where id = (select id from payout_requests where status = 'processing' and updated_at < ${cutoff}
                  order by updated_at limit 1 for update skip locked)
      returning id`.execute(deps.db);
    return claimed.rows[0]?.id;
  };
  const sweepOnce = async (): Promise<number> => {
    let n = 0;
    for (let id = await claim(); id; id = await claim()) {
      await resumePayoutRequest(deps, id);
      log(`recovered payout request ${id}`);
      n++;
    }
    return n;
  };
  const sweep = (): Promise<number> => (running ??= sweepOnce().finally(() => (running = undefined)));
  const timer = setInterval(() => void sweep().catch((e: unknown) => log(`recovery sweep failed: ${e instanceof Error ? e.message : String(e)}`)), Math.max(100, Math.min(staleAfterMs, 10_000)));
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}
