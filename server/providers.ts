// Where payouts are sent. Test mode simulates the provider from the route's `test_outcome`;
// live mode has no provider integration yet, so a live payout is refused, never faked.
import type { Kysely } from 'kysely';
import type { Database, Mode } from './db/schema.js';

export type ProviderAnswer = { readonly ok: true } | { readonly ok: false; readonly code: string };

export interface Provider {
  /** `payoutId` is the idempotency key towards the provider: sending it again after a crash is safe. */
  send(mode: Mode, route: string, payoutId: string): Promise<ProviderAnswer>;
}

export function testProvider(db: Kysely<Database>): Provider {
  return {
    async send(mode, route) {
      if (mode === 'live') return { ok: false, code: 'provider_not_configured' };
      const row = await db.selectFrom('routes').select('test_outcome').where('mode', '=', mode).where('route', '=', route).executeTakeFirst();
      const outcome = row?.test_outcome ?? 'success';
      return outcome.startsWith('fail:') ? { ok: false, code: outcome.slice('fail:'.length) } : { ok: true };
    },
  };
}
