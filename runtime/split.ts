// The `split` modifier: divide one payout over candidates in order of preference, each taking
// the largest piece that fits its max, remaining caps and (under `balance`) its balance.
import type { DecideContext } from './context.js';
import { debitLimit, quote, routeState, type Quote } from './quote.js';
import { big, isZeroInt } from './int.js';
import { add, cmp } from './rational.js';
import type { RouteDef, StrategyKind } from './types.js';

/** Pieces summing exactly to the request's amount, or undefined. */
export function splitPayout(ctx: DecideContext, kind: StrategyKind, ordered: readonly RouteDef[]): Quote[] | undefined {
  let remaining = big(ctx.req.units);
  const pieces: Quote[] = [];
  for (const route of ordered) {
    if (remaining === 0n) break;
    const piece = largestPiece(ctx, kind, route, remaining);
    // A piece whose debit rounds to zero would pay nothing and still count as paid.
    if (!piece || isZeroInt(piece.debitUnits) || (route.min && cmp(piece.debit, route.min) < 0)) continue;
    pieces.push(piece);
    remaining -= big(piece.pieceUnits);
  }
  return remaining === 0n ? pieces : undefined;
}

/** Binary search on the piece: debit and fee grow with it, so "fits" is monotone. */
function largestPiece(ctx: DecideContext, kind: StrategyKind, route: RouteDef, upTo: bigint): Quote | undefined {
  const limit = debitLimit(ctx, route);
  const balance = kind === 'balance' ? routeState(ctx, route).balance : undefined;
  const fitsPiece = (q: Quote) =>
    (limit === null || cmp(q.debit, limit) <= 0) && (balance === undefined || cmp(add(q.debit, q.fee), balance) <= 0);
  const whole = quote(ctx, route, upTo);
  if (fitsPiece(whole)) return whole;
  let lo = 0n;
  let hi = upTo;
  let best: Quote | undefined;
  while (lo < hi) {
    const mid = (lo + hi + 1n) / 2n;
    const q = quote(ctx, route, mid);
    if (fitsPiece(q)) {
      lo = mid;
      best = q;
    } else hi = mid - 1n;
  }
  return best && best.pieceUnits > 0n ? best : undefined;
}
