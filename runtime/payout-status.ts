// The payout lifecycle's statuses and the moves between them: the one list every part reads
// (the run's rules, the gateway, connectors, the API schemas, the console).

/**
 * A payout: `created` (reserved, not yet sent), `sent` (handed to the provider, no answer yet),
 * `pending` (the provider accepted it), `unknown` (a send or status query went unanswered: the
 * outcome is asked for again, never guessed), then `succeeded` or `failed`; `succeeded` may
 * become `reversed` when the provider returns the money.
 */
export const PAYOUT_STATUSES = ['created', 'sent', 'pending', 'unknown', 'succeeded', 'failed', 'reversed'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

/** Statuses no provider answer changes, except `succeeded → reversed`. */
export const FINAL_PAYOUT_STATUSES: readonly PayoutStatus[] = ['succeeded', 'failed', 'reversed'];

/** Statuses whose money is still reserved and whose outcome is still to come. */
export const IN_FLIGHT_PAYOUT_STATUSES: readonly PayoutStatus[] = ['created', 'sent', 'pending', 'unknown'];

/** A payout request: `processing` until its payouts are final; `reversed` when nothing it paid stays paid. */
export const REQUEST_STATUSES = ['processing', 'processed', 'failed', 'blocked', 'reversed'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

const NEXT: Readonly<Record<PayoutStatus, readonly PayoutStatus[]>> = {
  created: ['sent', 'pending', 'unknown', 'succeeded', 'failed'],
  sent: ['pending', 'unknown', 'succeeded', 'failed'],
  pending: ['unknown', 'succeeded', 'failed'],
  unknown: ['pending', 'succeeded', 'failed'],
  succeeded: ['reversed'],
  failed: [],
  reversed: [],
};

/**
 * Whether a payout may move from one status to another. Anything else is a duplicate or a stale
 * (out-of-order) answer, and changes nothing. `pending → unknown` is a status query that went
 * unanswered; `unknown → pending` is the answer that came later.
 */
export function canMove(from: PayoutStatus, to: PayoutStatus): boolean {
  return NEXT[from].includes(to);
}

export const isFinalPayout = (s: PayoutStatus): boolean => FINAL_PAYOUT_STATUSES.includes(s);
export const isInFlight = (s: PayoutStatus): boolean => IN_FLIGHT_PAYOUT_STATUSES.includes(s);

/**
 * What a provider said about a payout, mapped to the gateway's terms (a connector does the mapping).
 * - `accepted`: it has the payout and will answer later (status `pending`).
 * - `succeeded`: paid; `processed` when it paid less than asked (payout currency); `watch` when the
 *   provider may still reverse it and will not say so by webhook, so its status keeps being asked for.
 * - `failed`: declined or failed, with the provider's code mapped to the gateway's.
 * - `reversed`: it had paid, and the money came back.
 * - `unknown`: no answer (a timeout, a network error, a 5xx): the outcome must be asked for again.
 * - `not_found` (status queries only): the provider never received the payout, so sending it again is safe.
 */
export type ProviderAnswer =
  | { readonly kind: 'accepted'; readonly reference?: string }
  | { readonly kind: 'succeeded'; readonly reference?: string; readonly processed?: string; readonly watch?: boolean }
  | { readonly kind: 'failed'; readonly code: string; readonly reference?: string }
  | { readonly kind: 'reversed'; readonly reference?: string }
  | { readonly kind: 'unknown'; readonly reason: string }
  | { readonly kind: 'not_found' };
