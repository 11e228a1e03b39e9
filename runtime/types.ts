// The runtime's data: the lowered scheme it executes, the request and state it reads, and
// the Decision it returns (DESIGN.md's JSON formats).
import type { Int } from './int.js';
import type { RouteCalc } from './quote.js';
import type { Rat } from './rational.js';
import type { P2PSortOrder, StrategyKind } from './strategy-names.js';

export type { P2PSortOrder, StrategyKind } from './strategy-names.js';

/** A route line, with every amount parsed exactly (route currency). */
export interface RouteDef {
  readonly name: string;
  readonly currency: string;
  /** Fee percentage as a fraction (0.5% → 1/200), or null. */
  readonly feeRate: Rat | null;
  readonly feeFixed: Rat | null;
  /** Markup as a fraction, or null. */
  readonly markup: Rat | null;
  readonly min: Rat | null;
  readonly max: Rat | null;
  readonly daily: Rat | null;
  readonly monthly: Rat | null;
  readonly p2p: boolean;
  readonly disabled: boolean;
  /** The amounts above in integer form for the hot path (runtime/quote.ts). */
  readonly calc: RouteCalc;
}

export interface P2PConfig {
  readonly sort: P2PSortOrder;
  readonly minAmount: Rat | null;
  /** The urgent period in milliseconds, or null. */
  readonly urgentMs: number | null;
  readonly minRemainder: Rat | null;
}

export interface StrategyDef {
  /** The strategy's place in the scheme; keys its volume history. */
  readonly key: string;
  readonly kind: StrategyKind;
  readonly routes: readonly RouteDef[];
  /** Weights as fractions of their sum's unit (only weight/optimal). */
  readonly weights: readonly Rat[];
  readonly split: boolean;
  readonly p2p: P2PConfig;
  /** Source line of the strategy, for traces. */
  readonly line: number;
}

export type PlanDef =
  | { readonly kind: 'strategies'; readonly strategies: readonly StrategyDef[] }
  | { readonly kind: 'reject'; readonly reason: string; readonly line: number };

export interface SchemeSettings {
  readonly name: string;
  readonly mode: 'live' | 'test';
  readonly base: string;
  readonly attempts: number;
  readonly rates: string | null;
  readonly p2pFirst: boolean;
}

// ---- inputs ----

/** A request field's value: ints as numbers, decimals exactly, strings, booleans. */
export type FieldValue = string | number | boolean | Rat;

/** A request after validation: amounts exact, defaults applied. */
export interface Request {
  readonly amount: Rat;
  /** Minor-unit exponent of `currency`. */
  readonly scale: number;
  /** The amount in minor units (rounded half-up) and × 10^6 (exact, else NaN): read once, used by every decision. */
  readonly units: Int;
  readonly micros: number;
  readonly currency: string;
  readonly service: string;
  readonly country?: string;
  readonly point?: string;
  /** Milliseconds since the epoch, from `created_at`. */
  readonly createdAt?: number;
  readonly hour?: number;
  readonly weekday?: string;
  readonly testMode: boolean;
  readonly attempt: number;
  readonly exclude: ReadonlySet<string>;
  readonly lastError?: string;
  readonly fields: FieldValues;
}

/** A request's `fields` by name: what deciding reads of them (a Map has it too). */
export interface FieldValues {
  get(name: string): FieldValue | undefined;
}

export interface RouteState {
  readonly balance?: Rat;
  readonly enabled: boolean;
  readonly dailyUsed: Rat;
  readonly monthlyUsed: Rat;
}

export interface PoolPayment {
  readonly id: string;
  readonly amount: Rat;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface RateLookup {
  rate(from: string, to: string): Rat | undefined;
  /** The same rate as integer numerator and denominator, when the table keeps them ready. */
  parts?(from: string, to: string): RateParts | undefined;
}

/** A rate n/d with n and d as exact Ints (numbers when safe), for the hot path. */
export interface RateParts {
  readonly n: Int;
  readonly d: Int;
}

/** State after parsing: everything keyed by Map, never by plain objects. */
export interface State {
  readonly routes: ReadonlyMap<string, RouteState>;
  readonly rates: RateLookup;
  readonly p2p: ReadonlyMap<string, readonly PoolPayment[]>;
  /** Strategy key → route → volume routed so far, in `base`. */
  readonly volumes: ReadonlyMap<string, ReadonlyMap<string, Rat>>;
}

// ---- outputs ----

export type Status = 'routed' | 'blocked' | 'failed';
export type Resolution =
  | 'STRATEGY_RECEIVED_NO_ROUTES'
  | 'STRATEGY_CONFIGURED_ROUTES_WERE_FILTERED'
  | 'NO_AVAILABLE_P2P_PAYMENTS'
  | 'RATE_UNAVAILABLE'
  | 'ATTEMPTS_EXHAUSTED';

export interface Allocation {
  readonly route: string;
  /** The debit, in the route's currency, with its minor-unit digits. */
  readonly amount: string;
  readonly currency: string;
  readonly fee: string;
  /** The piece of the request's amount this allocation pays (request currency). */
  readonly requestAmount: string;
  readonly p2p?: readonly { readonly id: string; readonly amount: string }[];
}

/** One step of a decision's trace; `blocks` and `branches` entries are compact (runtime/trace.ts). */
export type TraceEntry = Readonly<Record<string, unknown>> & { readonly step: string };

export interface Decision {
  readonly status: Status;
  readonly route: string | null;
  readonly allocations: readonly Allocation[];
  readonly strategy: StrategyKind | null;
  /** The strategy's key, so the caller can record its volume. */
  readonly strategyKey: string | null;
  readonly block: string | null;
  readonly resolution: Resolution | null;
  readonly trace: readonly TraceEntry[];
}
