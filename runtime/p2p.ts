// P2P pool selection (LANGUAGE.md §5): one pool payment funds the whole payout.
import { cmp, sub, isZero, type Rat } from './rational.js';
import type { P2PConfig, PoolPayment } from './types.js';

/** The pool payment that funds a payout of `amount` (route currency), or undefined. */
export function pickPayment(
  pool: readonly PoolPayment[] | undefined,
  amount: Rat,
  createdAt: number | undefined,
  config: P2PConfig,
): PoolPayment | undefined {
  if (!pool) return undefined;
  const fitting = pool.filter((p) => fits(p, amount, createdAt, config));
  const urgent = (p: PoolPayment) =>
    config.urgentMs !== null && createdAt !== undefined && p.expiresAt - createdAt <= config.urgentMs;
  fitting.sort((a, b) => Number(urgent(b)) - Number(urgent(a)) || bySort(a, b, config) || byId(a, b));
  return fitting[0];
}

function fits(p: PoolPayment, amount: Rat, createdAt: number | undefined, config: P2PConfig): boolean {
  if (createdAt !== undefined && p.expiresAt <= createdAt) return false;
  if (config.minAmount && cmp(p.amount, config.minAmount) < 0) return false;
  if (cmp(p.amount, amount) < 0) return false;
  const leftover = sub(p.amount, amount);
  return isZero(leftover) || !config.minRemainder || cmp(leftover, config.minRemainder) >= 0;
}

function bySort(a: PoolPayment, b: PoolPayment, config: P2PConfig): number {
  switch (config.sort) {
    case 'oldest':
      return a.createdAt - b.createdAt;
    case 'biggest':
      return cmp(b.amount, a.amount);
    case 'min_remainder':
      // The payout is the same for both, so the smaller payment leaves less.
      return cmp(a.amount, b.amount);
  }
}

function byId(a: PoolPayment, b: PoolPayment): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
