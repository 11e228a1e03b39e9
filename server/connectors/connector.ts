// The contract between the gateway and a payout provider. A connector turns one provider's API
// into it: send a payout, ask for its status, and read (after verifying) the provider's webhooks.
// The gateway never sees a provider's own statuses or codes, only these answers.
import type { ProviderAnswer } from '../../runtime/payout-status.js';
import type { Mode } from '../db/schema.js';

export type { ProviderAnswer };

/** One payout as the provider is asked to pay it. `id` is the idempotency reference: sending it again is safe. */
export interface PayoutOrder {
  readonly id: string;
  readonly mode: Mode;
  readonly route: string;
  /** Decimal text in `currency`'s minor units. */
  readonly amount: string;
  readonly currency: string;
  /** The provider's reference, once it has given one. */
  readonly reference: string | null;
  /** When the payout was first sent (ms since the epoch), for connectors whose answers depend on time. */
  readonly sentAt: number | null;
}

/** A webhook's events: which payout (ours by id, or the provider's reference) and what it says now. */
export interface WebhookEvent {
  readonly payoutId?: string;
  readonly reference?: string;
  readonly answer: Exclude<ProviderAnswer, { kind: 'unknown' } | { kind: 'not_found' }>;
}

export type WebhookResult = { readonly ok: true; readonly events: readonly WebhookEvent[] } | { readonly ok: false; readonly reason: string };

export interface Connector {
  /** The connector's kind, as stored with the route (`test`, `http`). */
  readonly kind: string;
  send(order: PayoutOrder): Promise<ProviderAnswer>;
  status(order: PayoutOrder): Promise<ProviderAnswer>;
  /**
   * Verifies a webhook's signature over the raw body and reads its events. Never throws on what a
   * provider (or an attacker) sends: a bad signature or body is `{ ok: false }`.
   */
  webhook(headers: Readonly<Record<string, string | undefined>>, rawBody: string): WebhookResult;
}
