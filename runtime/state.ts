// The state JSON of DESIGN.md becomes the runtime's State (Maps only; user strings never key
// plain objects). Entries that cannot be read are reported, never silently guessed.
import { parseJsonDecimal, ZERO, type Rat } from './rational.js';
import { rateTable } from './rates.js';
import type { PoolPayment, RouteState, State } from './types.js';

export interface StateResult {
  readonly state: State;
  readonly errors: readonly string[];
}

/** A JSON Pointer one key below `path` ("EUR/USD" is escaped to "EUR~1USD"). */
export function pointer(path: string, key: string): string {
  if (!key.includes('~') && !key.includes('/')) return `${path}/${key}`;
  return `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function entries(v: unknown, path: string, errors: string[]): [string, unknown][] {
  if (v === undefined) return [];
  if (!isObject(v)) {
    errors.push(`${path}: expected an object`);
    return [];
  }
  return Object.entries(v);
}

function decimal(v: unknown, path: string, errors: string[]): Rat | undefined {
  if (v === undefined) return undefined;
  const r = parseJsonDecimal(v);
  if (r === undefined) errors.push(`${path}: expected a decimal amount such as "100.00", got ${JSON.stringify(v)}`);
  return r;
}

function routeState(v: unknown, path: string, errors: string[]): RouteState {
  const o = isObject(v) ? v : (errors.push(`${path}: expected an object`), {});
  if (o['enabled'] !== undefined && typeof o['enabled'] !== 'boolean') errors.push(`${path}/enabled: expected true or false`);
  return {
    balance: decimal(o['balance'], `${path}/balance`, errors),
    enabled: o['enabled'] !== false,
    dailyUsed: decimal(o['daily_used'], `${path}/daily_used`, errors) ?? ZERO,
    monthlyUsed: decimal(o['monthly_used'], `${path}/monthly_used`, errors) ?? ZERO,
  };
}

function timestamp(v: unknown, path: string, errors: string[]): number {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  if (Number.isNaN(t)) errors.push(`${path}: expected a date-time such as "2026-11-20T10:00:00Z"`);
  return t;
}

function pool(v: unknown, path: string, errors: string[]): PoolPayment[] {
  if (!Array.isArray(v)) {
    errors.push(`${path}: expected a list of payments`);
    return [];
  }
  return v.flatMap((p, i): PoolPayment[] => {
    const at = `${path}/${i}`;
    if (!isObject(p) || typeof p['id'] !== 'string') {
      errors.push(`${at}: expected {"id", "amount", "created_at", "expires_at"}`);
      return [];
    }
    const amount = decimal(p['amount'], `${at}/amount`, errors);
    const createdAt = timestamp(p['created_at'], `${at}/created_at`, errors);
    const expiresAt = timestamp(p['expires_at'], `${at}/expires_at`, errors);
    if (amount === undefined || Number.isNaN(createdAt) || Number.isNaN(expiresAt)) return [];
    return [{ id: p['id'], amount, createdAt, expiresAt }];
  });
}

function volumeRow(v: unknown, path: string, errors: string[]): ReadonlyMap<string, Rat> {
  const m = new Map<string, Rat>();
  for (const [route, amount] of entries(v, path, errors)) {
    const r = decimal(amount, pointer(path, route), errors);
    if (r) m.set(route, r);
  }
  return m;
}

/** What is wrong with a list of pool payments, each as `/INDEX/FIELD: message`. */
export function poolErrors(json: unknown): string[] {
  const errors: string[] = [];
  pool(json, '', errors);
  return errors;
}

export function parseState(json: unknown): StateResult {
  // Most states are rates alone, read before (rates.ts keeps the last few): their result is kept with them.
  if (isObject(json) && json['routes'] === undefined && json['p2p'] === undefined && json['volumes'] === undefined && isObject(json['rates'])) {
    const rates = rateTable(json['rates'] as Record<string, string>);
    if (rates.errors.length === 0) return (rates.alone ??= { state: { routes: NONE, rates: rates.table, p2p: NONE, volumes: NONE }, errors: NO_ERRORS });
  }
  const errors: string[] = [];
  const o = json === undefined ? {} : isObject(json) ? json : (errors.push('state: expected an object'), {});
  const rates = rateTable(isObject(o['rates']) ? (o['rates'] as Record<string, string>) : undefined);
  if (o['rates'] !== undefined && !isObject(o['rates'])) errors.push('/rates: expected an object');
  for (const e of rates.errors) errors.push(`${pointer('/rates', e.key)}: ${e.message}`);
  const state: State = {
    routes: keyed(o['routes'], '/routes', errors, routeState),
    rates: rates.table,
    p2p: keyed(o['p2p'], '/p2p', errors, pool),
    volumes: keyed(o['volumes'], '/volumes', errors, volumeRow),
  };
  return { state, errors: errors.length ? errors : NO_ERRORS };
}

// Most states leave out p2p and volumes, and many the routes: those share one empty map (the
// runtime never writes a State; commit.ts copies it first).
const NONE: ReadonlyMap<string, never> = new Map<string, never>();
const NO_ERRORS: readonly string[] = [];

function keyed<T>(v: unknown, path: string, errors: string[], read: (v: unknown, path: string, errors: string[]) => T): ReadonlyMap<string, T> {
  if (v === undefined) return NONE;
  const out = new Map<string, T>();
  for (const [k, item] of entries(v, path, errors)) out.set(k, read(item, pointer(path, k), errors));
  return out;
}

export const EMPTY_STATE: State = parseState({}).state;

/**
 * A state read once for many decisions: `decide(scheme, request, prepared)` skips reading it.
 * Its errors (the same as deciding with the JSON would report) are here to check once.
 */
export class PreparedState {
  readonly #result: StateResult;

  constructor(json: unknown) {
    this.#result = parseState(json);
  }

  get errors(): readonly string[] {
    return this.#result.errors;
  }

  /** The state as read, for the runtime. */
  get result(): StateResult {
    return this.#result;
  }
}

export function prepareState(json: unknown): PreparedState {
  return new PreparedState(json);
}
