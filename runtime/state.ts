// The state JSON of DESIGN.md becomes the runtime's State (Maps only; user strings never key
// plain objects). Entries that cannot be read are reported, never silently guessed.
import { parseJsonDecimal, ZERO, type Rat } from './rational.js';
import { rateTable } from './rates.js';
import type { PoolPayment, RouteState, State } from './types.js';

export interface StateResult {
  readonly state: State;
  readonly errors: string[];
}

/** A JSON Pointer one key below `path` ("EUR/USD" is escaped to "EUR~1USD"). */
export function pointer(path: string, key: string): string {
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

function volumes(v: unknown, errors: string[]): Map<string, Map<string, Rat>> {
  const out = new Map<string, Map<string, Rat>>();
  for (const [key, routes] of entries(v, '/volumes', errors)) {
    const m = new Map<string, Rat>();
    for (const [route, amount] of entries(routes, `/volumes/${key}`, errors)) {
      const r = decimal(amount, `/volumes/${key}/${route}`, errors);
      if (r) m.set(route, r);
    }
    out.set(key, m);
  }
  return out;
}

/** What is wrong with a list of pool payments, each as `/INDEX/FIELD: message`. */
export function poolErrors(json: unknown): string[] {
  const errors: string[] = [];
  pool(json, '', errors);
  return errors;
}

export function parseState(json: unknown): StateResult {
  const errors: string[] = [];
  const o = json === undefined ? {} : isObject(json) ? json : (errors.push('state: expected an object'), {});
  const routes = new Map(entries(o['routes'], '/routes', errors).map(([k, v]) => [k, routeState(v, `/routes/${k}`, errors)]));
  const rates = rateTable(isObject(o['rates']) ? (o['rates'] as Record<string, string>) : undefined);
  if (o['rates'] !== undefined && !isObject(o['rates'])) errors.push('/rates: expected an object');
  errors.push(...rates.errors.map((e) => `${pointer('/rates', e.key)}: ${e.message}`));
  const p2p = new Map(entries(o['p2p'], '/p2p', errors).map(([k, v]) => [k, pool(v, `/p2p/${k}`, errors)]));
  return { state: { routes, rates: rates.table, p2p, volumes: volumes(o['volumes'], errors) }, errors };
}

export const EMPTY_STATE: State = parseState({}).state;
