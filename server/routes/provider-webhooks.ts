// POST /v1/providers/{route}/webhooks: a provider's word on its payouts. No API key: the signature,
// checked by the route's connector in each mode, decides which mode it is for. Each event is applied
// to its payout once (payouts.ts: duplicates and stale events change nothing); the request it
// belongs to goes on after the answer, so the provider is answered quickly.
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import { clientOf, type FailureLimit } from '../auth.js';
import type { WebhookEvent } from '../connectors/connector.js';
import type { Database, Mode } from '../db/schema.js';
import { payoutChanged, type GatewayDeps } from '../gateway.js';
import { nameParam, rawBody, type AppEnv } from '../http.js';
import { applyAnswer } from '../payouts.js';
import { Problem } from '../problem.js';

/** The payout an event names: by our id, else by the provider's reference, within the route and mode. */
async function payoutOf(db: Kysely<Database>, mode: Mode, route: string, e: WebhookEvent): Promise<string | undefined> {
  let q = db.selectFrom('payouts').select('id').where('mode', '=', mode).where('route', '=', route);
  if (e.payoutId !== undefined) q = q.where('id', '=', e.payoutId);
  else if (e.reference !== undefined) q = q.where('reference', '=', e.reference);
  else return undefined;
  return (await q.executeTakeFirst())?.id;
}

/** The headers as the connector reads them: lower-case names, one value each. */
function headersOf(c: Context<AppEnv>): Record<string, string> {
  const out: Record<string, string> = {};
  c.req.raw.headers.forEach((value, name) => (out[name] = value));
  return out;
}

export function providerWebhookHandler(deps: GatewayDeps, limit: FailureLimit): (c: Context<AppEnv>) => Promise<Response> {
  return async (c) => {
    // Signatures that fail count against the client as unknown API keys do, before any lookup.
    const client = clientOf(c.env?.incoming);
    limit.admitClient(client);
    const route = nameParam(c, 'route');
    const text = await rawBody(c);
    const headers = headersOf(c);
    for (const { mode, connector } of await deps.connectors.forWebhook(route)) {
      const read = connector.webhook(headers, text);
      if (!read.ok) continue;
      let applied = 0;
      for (const e of read.events) {
        const id = await payoutOf(deps.db, mode, route, e);
        if (id === undefined) continue;
        const requestId = await applyAnswer(deps, id, e.answer, 'webhook');
        if (requestId === undefined) continue;
        applied++;
        void payoutChanged(deps, requestId).catch((err: unknown) => deps.log(`payout request ${requestId} after a webhook: ${err instanceof Error ? err.message : String(err)}`));
      }
      return c.json({ received: read.events.length, applied });
    }
    limit.clientFailed(client);
    deps.log(`webhook for route ${route} refused: no connector of this route verifies its signature`);
    throw new Problem(401, 'invalid-signature', `no connector of route '${route}' verifies this webhook's signature`);
  };
}
