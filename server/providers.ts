// Interim: today's simulated provider as connectors, until server/connectors/registry.ts lands.
import type { Kysely } from 'kysely';
import { cmp, parseDecimal } from '../runtime/rational.js';
import type { ProviderAnswer } from '../runtime/payout-status.js';
import type { Connector, PayoutOrder } from './connectors/connector.js';
import type { Database } from './db/schema.js';
import type { ConnectorSource } from './payouts.js';

export function testConnectors(db: Kysely<Database>): ConnectorSource {
  const answer = async (order: PayoutOrder): Promise<ProviderAnswer> => {
    if (order.mode === 'live') return { kind: 'failed', code: 'provider_not_configured' };
    const row = await db.selectFrom('routes').select('test_outcome').where('mode', '=', order.mode).where('route', '=', order.route).executeTakeFirst();
    const outcome = row?.test_outcome ?? 'success';
    if (outcome.startsWith('fail:')) return { kind: 'failed', code: outcome.slice('fail:'.length) };
    if (!outcome.startsWith('partial:')) return { kind: 'succeeded' };
    const cap = parseDecimal(outcome.slice('partial:'.length))!;
    return cmp(cap, parseDecimal(order.amount)!) < 0 ? { kind: 'succeeded', processed: outcome.slice('partial:'.length) } : { kind: 'succeeded' };
  };
  const connector: Connector = { kind: 'test', send: answer, status: answer, webhook: () => ({ ok: false, reason: 'the test connector is not sent webhooks' }) };
  return { forRoute: async () => connector, forWebhook: async () => [] };
}
