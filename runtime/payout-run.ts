// A payout request's run as pure rules: given its payouts as they stand, what happens next; given
// a provider's answer about one payout, how that payout and the money change. No I/O and no clock:
// the gateway (server/gateway.ts) applies what these return in transactions.
import { feeUnits } from './quote.js';
import { big, norm } from './int.js';
import { add, cmp, div, fromMinor, mul, parseDecimal, roundHalfUp, sub, ZERO, type Rat } from './rational.js';
import { canMove, isInFlight, type PayoutStatus, type ProviderAnswer, type RequestStatus } from './payout-status.js';
import type { RouteDef } from './types.js';

/** The error a partly processed payout records; the rest of its amount fails over. */
export const PARTIAL = 'partially_processed';
/** The error of a payout the provider reported as paid with nothing processed. */
export const NOTHING_PROCESSED = 'nothing_processed';

/** A payout as the run sees it: amounts exact, in the route's currency, and `piece` in the request's. */
export interface RunPayout {
  readonly id: string;
  readonly route: string;
  readonly attempt: number;
  readonly status: PayoutStatus;
  /** The debit and the fee reserved (after a partial answer: what was paid, and the fee on that). */
  readonly amount: Rat;
  readonly fee: Rat;
  /** The piece of the request it pays, in the request's currency. */
  readonly piece: Rat;
  readonly error: string | null;
}

export type NextStep =
  /** Payouts reserved but never sent (their sender stopped before the send). */
  | { readonly kind: 'send'; readonly payouts: readonly RunPayout[] }
  /** Payouts are with their providers: the run goes on when their answers come. */
  | { readonly kind: 'wait' }
  /** Route what is left: this attempt, these routes left out, the last error. */
  | { readonly kind: 'decide'; readonly remaining: Rat; readonly attempt: number; readonly exclude: readonly string[]; readonly lastError: string | null }
  | { readonly kind: 'finish'; readonly status: Extract<RequestStatus, 'processed' | 'reversed'> };

const failedOrPartial = (p: RunPayout): boolean => p.status === 'failed' || p.error === PARTIAL;

/** The amount no further payout may take: what is paid, on its way, or paid and come back. */
export function committed(payouts: readonly RunPayout[]): Rat {
  return payouts.reduce((sum, p) => (p.status === 'failed' ? sum : add(sum, p.piece)), ZERO);
}

/** What the request's payouts paid and that stays paid, in its currency. */
export function paid(payouts: readonly RunPayout[]): Rat {
  return payouts.reduce((sum, p) => (p.status === 'succeeded' ? add(sum, p.piece) : sum), ZERO);
}

/**
 * The attempt the next decision makes: 1 at first; after a round in which some payout failed or
 * paid only part, the next one. Reservations refused by a concurrent payout cost no attempt.
 */
export function attemptOf(payouts: readonly RunPayout[]): number {
  if (!payouts.length) return 1;
  const last = Math.max(...payouts.map((p) => p.attempt));
  return payouts.some((p) => p.attempt === last && failedOrPartial(p)) ? last + 1 : last;
}

/** What the run does next. Payouts still with a provider are waited for before anything fails over. */
export function nextStep(amount: Rat, payouts: readonly RunPayout[]): NextStep {
  const unsent = payouts.filter((p) => p.status === 'created');
  if (unsent.length) return { kind: 'send', payouts: unsent };
  if (payouts.some((p) => isInFlight(p.status))) return { kind: 'wait' };
  const remaining = sub(amount, committed(payouts));
  if (cmp(remaining, ZERO) <= 0) return { kind: 'finish', status: requestStatus(payouts) };
  const failures = payouts.filter(failedOrPartial);
  return {
    kind: 'decide',
    remaining,
    attempt: attemptOf(payouts),
    exclude: [...new Set(failures.map((p) => p.route))],
    lastError: failures.at(-1)?.error ?? null,
  };
}

/** A finished request's status from its payouts: `reversed` once nothing it paid stays paid. */
export function requestStatus(payouts: readonly RunPayout[]): 'processed' | 'reversed' {
  const reversed = payouts.some((p) => p.status === 'reversed');
  return reversed && !payouts.some((p) => p.status === 'succeeded') ? 'reversed' : 'processed';
}

/** Money to give back to a route: `cost` to the balance, `debit` to the caps, and the p2p payments used when `p2p`. */
export interface GiveBack {
  readonly debit: Rat;
  readonly cost: Rat;
  readonly p2p: boolean;
}

/** How one provider answer changes a payout. */
export interface Settlement {
  readonly status: PayoutStatus;
  /** The debit, fee and piece after the answer (changed only by a partial one). */
  readonly amount: Rat;
  readonly fee: Rat;
  readonly piece: Rat;
  readonly error: string | null;
  readonly reference: string | null;
  /** What goes back to the route's balance and caps. */
  readonly giveBack: GiveBack | null;
  /** The piece to add to the strategy's volume (a success). */
  readonly volume: Rat | null;
  /** The merchant event the change makes, if final. */
  readonly event: 'payout.succeeded' | 'payout.failed' | 'payout.reversed' | null;
  /** Send the payout again (the provider never received it). */
  readonly resend: boolean;
  /** Keep asking for its status after success (a reversal would come only that way). */
  readonly watch: boolean;
}

/** The payout a settlement is about: its reservation, and the request's currency scale for its piece. */
export interface SettledPayout extends RunPayout {
  readonly reference: string | null;
  readonly requestScale: number;
}

const targetOf: Record<Exclude<ProviderAnswer['kind'], 'not_found'>, PayoutStatus> = {
  accepted: 'pending',
  succeeded: 'succeeded',
  failed: 'failed',
  reversed: 'reversed',
  unknown: 'unknown',
};

/**
 * Applies a provider's answer to a payout, or returns null when it changes nothing (a duplicate,
 * or a stale answer arriving after a later one). `route` prices a partial payment's fee.
 */
export function settle(p: SettledPayout, answer: ProviderAnswer, route: RouteDef): Settlement | null {
  const base: Settlement = {
    status: p.status,
    amount: p.amount,
    fee: p.fee,
    piece: p.piece,
    error: p.error,
    reference: p.reference,
    giveBack: null,
    volume: null,
    event: null,
    resend: false,
    watch: false,
  };
  if (answer.kind === 'not_found') return isInFlight(p.status) ? { ...base, resend: true } : null;
  const to = targetOf[answer.kind];
  const reference = ('reference' in answer ? answer.reference : undefined) ?? p.reference;
  // The same status again changes nothing, except to learn the provider's reference when it had none.
  if (to === p.status) return p.reference === null && reference !== null ? { ...base, reference } : null;
  // A reversal of a payout not yet known as paid means it was paid first.
  if (to === 'reversed' && isInFlight(p.status)) return reversal({ ...base, reference });
  if (!canMove(p.status, to)) return null;
  if (answer.kind === 'failed') return failure({ ...base, reference }, answer.code);
  if (answer.kind === 'succeeded') return success(p, { ...base, reference }, answer.processed, answer.watch === true, route);
  if (to === 'reversed') return reversal({ ...base, reference });
  return { ...base, status: to, reference };
}

const wholeReservation = (s: Settlement): GiveBack => ({ debit: s.amount, cost: add(s.amount, s.fee), p2p: true });

function failure(s: Settlement, code: string): Settlement {
  return { ...s, status: 'failed', error: code, giveBack: wholeReservation(s), event: 'payout.failed' };
}

/** Paid and then returned: the whole debit and fee go back, and the request does not pay it again. */
function reversal(s: Settlement): Settlement {
  return { ...s, status: 'reversed', giveBack: wholeReservation(s), event: 'payout.reversed' };
}

/**
 * A success; a partial one (`processed` below the debit) pays the route's fee on what was paid,
 * gives the rest of the reservation back, and shrinks its piece of the request in proportion,
 * rounded once to the request's currency. Nothing processed is a failure, with no fee.
 */
function success(p: SettledPayout, s: Settlement, processed: string | undefined, watch: boolean, route: RouteDef): Settlement {
  const done: Settlement = { ...s, status: 'succeeded', volume: p.piece, event: 'payout.succeeded', watch };
  if (processed === undefined) return done;
  const scale = route.calc.scale;
  const got = parseDecimal(processed);
  // An unreadable or negative amount is no amount: the payout counts as paid in full.
  if (got === undefined || cmp(got, ZERO) < 0) return done;
  // Compared in the currency's minor units, the unit the debit is kept in: 99.999 of 100.00 is all of it.
  const paidNow = fromMinor(roundHalfUp(got, scale), scale);
  if (cmp(paidNow, p.amount) >= 0) return done;
  if (cmp(paidNow, ZERO) <= 0) return failure(s, NOTHING_PROCESSED);
  const fee = fromMinor(big(feeUnits(route, norm(roundHalfUp(paidNow, scale)))), scale);
  const piece = fromMinor(roundHalfUp(div(mul(p.piece, paidNow), p.amount)!, p.requestScale), p.requestScale);
  const giveBack = { debit: sub(p.amount, paidNow), cost: sub(add(p.amount, p.fee), add(paidNow, fee)), p2p: false };
  return { ...done, amount: paidNow, fee, piece, error: PARTIAL, giveBack, volume: piece };
}

/** A decision's allocations may be reserved only when each debits something: a zero debit pays nothing. */
export function payable(amounts: readonly Rat[]): boolean {
  return amounts.every((a) => cmp(a, ZERO) > 0);
}
