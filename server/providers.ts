// Where payouts are sent. Test mode simulates the provider from the route's `test_outcome`;
// live mode has no provider integration yet, so a live payout is refused, never faked.
import type { Kysely } from 'kysely';
import { cmp, parseDecimal } from '../runtime/rational.js';
import type { Database, Mode } from './db/schema.js';

/** `processed`: the provider paid out less than asked (in the payout's currency); absent when it paid it all. */
export type ProviderAnswer = { readonly ok: true; readonly processed?: string } | { readonly ok: false; readonly code: string };

export interface Provider {
  /** `payoutId` is the idempotency key towards the provider: sending it again after a crash is safe. */
  send(mode: Mode, route: string, payoutId: string, amount: string): Promise<ProviderAnswer>;
}

export function testProvider(db: Kysely<Database>): Provider {
  return {
    async send(mode, route, _payoutId, amount) {
      if (mode === 'live') return { ok: false, code: 'provider_not_configured' };
      const row = await db.selectFrom('routes').select('test_outcome').where('mode', '=', mode).where('route', '=', route).executeTakeFirst();
      const outcome = row?.test_outcome ?? 'success';
      if (outcome.startsWith('fail:')) return { ok: false, code: outcome.slice('fail:'.length) };
      if (!outcome.startsWith('partial:')) return { ok: true };
      // `partial:AMOUNT` pays at most AMOUNT of each payout.
      const cap = parseDecimal(outcome.slice('partial:'.length))!;
      return cmp(cap, parseDecimal(amount)!) < 0 ? { ok: true, processed: outcome.slice('partial:'.length) } : { ok: true };
    },
  };
}
