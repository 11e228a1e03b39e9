// Stored route state, rate tables, p2p pools and strategy volumes, per mode; and the atomic
// reservations that keep concurrent payouts from overdrawing a balance or a cap.
import { sql, type Kysely } from 'kysely';
import type { CompiledScheme } from '../compiler/compile.js';
import type { Database, Mode } from './db/schema.js';
import { notFound } from './problem.js';

type Db = Kysely<Database>;

export interface RoutePatch {
  readonly balance?: string | number | null;
  readonly currency?: string;
  readonly enabled?: boolean;
  readonly test_outcome?: string;
}

export interface P2PPaymentIn {
  readonly id: string;
  readonly amount: string | number;
  readonly created_at: string;
  readonly expires_at: string;
}

/** The UTC day and month that daily and monthly caps count in. */
export function period(now: Date): { day: string; month: string } {
  const day = now.toISOString().slice(0, 10);
  return { day, month: day.slice(0, 7) };
}

/** A route's row before anything is known of it: enabled, succeeding, unknown balance, nothing used. */
function newRoute(mode: Mode, route: string) {
  return { mode, route, enabled: true, test_outcome: 'success', used_day: '', daily_used: '0', used_month: '', monthly_used: '0', balance: null, currency: null };
}

export async function putRoute(db: Db, mode: Mode, route: string, patch: RoutePatch) {
  const set = {
    ...(patch.balance !== undefined ? { balance: patch.balance === null ? null : String(patch.balance) } : {}),
    ...(patch.currency !== undefined ? { currency: patch.currency } : {}),
    ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
    ...(patch.test_outcome !== undefined ? { test_outcome: patch.test_outcome } : {}),
  };
  await db
    .insertInto('routes')
    .values({ ...newRoute(mode, route), ...set })
    .onConflict((oc) => (Object.keys(set).length ? oc.columns(['mode', 'route']).doUpdateSet(set) : oc.doNothing()))
    .execute();
  return getRoute(db, mode, route, new Date());
}

export async function getRoute(db: Db, mode: Mode, route: string, now: Date) {
  const row = await db.selectFrom('routes').selectAll().where('mode', '=', mode).where('route', '=', route).executeTakeFirst();
  if (!row) throw notFound(`no state for route '${route}'`);
  const { day, month } = period(now);
  return {
    route: row.route,
    balance: row.balance,
    currency: row.currency,
    enabled: row.enabled,
    test_outcome: row.test_outcome,
    daily_used: row.used_day === day ? row.daily_used : '0',
    monthly_used: row.used_month === month ? row.monthly_used : '0',
  };
}

export async function putRates(db: Db, mode: Mode, rateScheme: string, rates: Record<string, string>): Promise<void> {
  const json = JSON.stringify(rates);
  await db
    .insertInto('rates')
    .values({ mode, rate_scheme: rateScheme, rates: json })
    .onConflict((oc) => oc.columns(['mode', 'rate_scheme']).doUpdateSet({ rates: json }))
    .execute();
}

export interface StoredRates {
  readonly rate_scheme: string;
  readonly rates: Record<string, string>;
}

/** The mode's rate tables by name (one, given a name), as they were stored. */
export async function listRates(db: Db, mode: Mode, name?: string): Promise<StoredRates[]> {
  let q = db.selectFrom('rates').select(['rate_scheme', 'rates']).where('mode', '=', mode);
  if (name !== undefined) q = q.where('rate_scheme', '=', name);
  return q.orderBy('rate_scheme').execute();
}

export async function addP2PPayments(db: Db, mode: Mode, route: string, payments: readonly P2PPaymentIn[]): Promise<number> {
  if (!payments.length) return 0;
  const rows = payments.map((p) => ({ mode, route, id: p.id, amount: String(p.amount), created_at: p.created_at, expires_at: p.expires_at }));
  await db
    .insertInto('p2p_payments')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['mode', 'route', 'id']).doUpdateSet((eb) => ({
        amount: eb.ref('excluded.amount'),
        created_at: eb.ref('excluded.created_at'),
        expires_at: eb.ref('excluded.expires_at'),
      })),
    )
    .execute();
  return rows.length;
}

/** The State JSON (DESIGN.md) of what is stored for a scheme's routes, rates, pools and volumes. */
export async function loadState(db: Db, mode: Mode, name: string, scheme: CompiledScheme, now: Date): Promise<Record<string, unknown>> {
  const names = [...scheme.routes.keys()];
  const { pools } = scheme;
  const { day, month } = period(now);
  const [routes, rates, payments, volumes] = await Promise.all([
    names.length ? db.selectFrom('routes').selectAll().where('mode', '=', mode).where('route', 'in', names).execute() : [],
    loadRates(db, mode, scheme),
    pools.length
      ? db.selectFrom('p2p_payments').selectAll().where('mode', '=', mode).where('route', 'in', pools).where('amount', '>', '0').execute()
      : [],
    db.selectFrom('volumes').selectAll().where('mode', '=', mode).where('scheme', '=', name).execute(),
  ]);
  return {
    routes: Object.fromEntries(
      routes.map((r) => [
        r.route,
        {
          ...(r.balance === null ? {} : { balance: r.balance }),
          enabled: r.enabled,
          daily_used: r.used_day === day ? r.daily_used : '0',
          monthly_used: r.used_month === month ? r.monthly_used : '0',
        },
      ]),
    ),
    rates,
    p2p: groupBy(payments, (p) => p.route, (p) => ({ id: p.id, amount: p.amount, created_at: iso(p.created_at), expires_at: iso(p.expires_at) })),
    volumes: groupBy(volumes, (v) => v.strategy_key, (v) => [v.route, v.volume] as const, (entries) => Object.fromEntries(entries)),
  };
}

/** The rate table a scheme's `rates NAME` names (`default` without that line). */
export async function loadRates(db: Db, mode: Mode, scheme: CompiledScheme): Promise<Record<string, string>> {
  const row = await db.selectFrom('rates').select('rates').where('mode', '=', mode).where('rate_scheme', '=', scheme.settings.rates ?? 'default').executeTakeFirst();
  return row?.rates ?? {};
}

export const iso = (d: Date | string): string => new Date(d).toISOString();

function groupBy<T, V, G = V[]>(rows: readonly T[], keyOf: (t: T) => string, valueOf: (t: T) => V, finish: (vs: V[]) => G = (vs) => vs as unknown as G): Record<string, G> {
  const groups = new Map<string, V[]>();
  for (const r of rows) groups.set(keyOf(r), [...(groups.get(keyOf(r)) ?? []), valueOf(r)]);
  return Object.fromEntries([...groups].map(([k, vs]) => [k, finish(vs)]));
}

export interface Reservation {
  readonly route: string;
  /** The debit in the route's currency, and debit + fee, as decimal strings. */
  readonly debit: string;
  readonly cost: string;
  readonly daily: string | null;
  readonly monthly: string | null;
  readonly p2p: readonly { readonly id: string; readonly amount: string }[];
  /** The UTC day the caps were charged for: a release gives back only to that day (and its month). */
  readonly day: string;
}

/**
 * Takes debit + fee from the balance and the debit from the caps in one conditional UPDATE, so
 * two payouts can never both take the last of a balance; then the p2p payments used. Runs in
 * the caller's transaction; returns why it could not (the caller rolls back), or undefined.
 */
export async function reserve(trx: Db, mode: Mode, r: Reservation, now: Date): Promise<string | undefined> {
  const { day, month } = period(now);
  await trx.insertInto('routes').values(newRoute(mode, r.route)).onConflict((oc) => oc.doNothing()).execute();
  const dailyUsed = sql<string>`(case when used_day = ${day} then daily_used else 0 end)`;
  const monthlyUsed = sql<string>`(case when used_month = ${month} then monthly_used else 0 end)`;
  const updated = await sql<{ route: string }>`
    update routes set
      balance = balance - ${r.cost}::numeric,
      daily_used = ${dailyUsed} + ${r.debit}::numeric, used_day = ${day},
      monthly_used = ${monthlyUsed} + ${r.debit}::numeric, used_month = ${month}
    where mode = ${mode} and route = ${r.route} and enabled
      and (balance is null or balance >= ${r.cost}::numeric)
      and (${r.daily}::numeric is null or ${dailyUsed} + ${r.debit}::numeric <= ${r.daily}::numeric)
      and (${r.monthly}::numeric is null or ${monthlyUsed} + ${r.debit}::numeric <= ${r.monthly}::numeric)
    returning route`.execute(trx);
  if (!updated.rows.length) return `route ${r.route}: its balance or daily/monthly cap no longer covers ${r.cost}, or it is disabled`;
  for (const p of r.p2p) {
    const taken = await trx
      .updateTable('p2p_payments')
      .set((eb) => ({ amount: sql`${eb.ref('amount')} - ${p.amount}::numeric` }))
      .where('mode', '=', mode)
      .where('route', '=', r.route)
      .where('id', '=', p.id)
      .where(sql<boolean>`amount >= ${p.amount}::numeric`)
      .returning('id')
      .executeTakeFirst();
    if (!taken) return `p2p payment ${p.id} on ${r.route} was taken by another payout`;
  }
  return undefined;
}

/** Gives back what `reserve` took, in the caller's transaction. */
export async function release(trx: Db, mode: Mode, r: Reservation): Promise<void> {
  await sql`
    update routes set
      balance = balance + ${r.cost}::numeric,
      daily_used = case when used_day = ${r.day} then daily_used - ${r.debit}::numeric else daily_used end,
      monthly_used = case when used_month = ${r.day.slice(0, 7)} then monthly_used - ${r.debit}::numeric else monthly_used end
    where mode = ${mode} and route = ${r.route}`.execute(trx);
  for (const p of r.p2p) {
    await trx
      .updateTable('p2p_payments')
      .set((eb) => ({ amount: sql`${eb.ref('amount')} + ${p.amount}::numeric` }))
      .where('mode', '=', mode)
      .where('route', '=', r.route)
      .where('id', '=', p.id)
      .execute();
  }
}

/** Adds a routed payout's piece (in base) to its strategy's volume. */
export async function addVolume(db: Db, mode: Mode, scheme: string, strategyKey: string, route: string, amount: string): Promise<void> {
  await db
    .insertInto('volumes')
    .values({ mode, scheme, strategy_key: strategyKey, route, volume: amount })
    .onConflict((oc) => oc.columns(['mode', 'scheme', 'strategy_key', 'route']).doUpdateSet({ volume: sql`volumes.volume + excluded.volume` }))
    .execute();
}
