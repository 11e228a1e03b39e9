// Lowering: a checked AST becomes the runtime's model (settings, fields, routes, plans) with
// every literal parsed exactly once, at compile time.
import type * as A from '../grammar/ast.js';
import { valueKey } from '../runtime/conditions.js';
import { isCurrency } from '../runtime/currencies.js';
import { interned } from '../runtime/interned.js';
import { routeCalc } from '../runtime/quote.js';
import type { FieldKind } from '../runtime/request.js';
import { div, parseDecimal, rat, type Rat } from '../runtime/rational.js';
import type { P2PConfig, PlanDef, RouteDef, SchemeSettings, StrategyDef } from '../runtime/types.js';

const HUNDRED = rat(100n);
const HOUR_MS = 3_600_000;

/** Number literals are validated by the lexer, so parsing cannot fail here. */
export function num(text: string): Rat {
  return parseDecimal(text)!;
}

export function percent(p: A.PercentLit): Rat {
  return div(num(p.text), HUNDRED)!;
}

/** What a scheme without a setting's line has: LANGUAGE.md §2's defaults, defined here only. */
export const DEFAULT_SETTINGS: SchemeSettings = { name: '', mode: 'test', base: 'EUR', attempts: 1, rates: null, p2pFirst: false };

/**
 * The scheme's settings, total over any AST the parser produces (the checker reads them too):
 * the first line of a setting wins over a duplicate, and an invalid value leaves the default
 * (both are errors the checker reports).
 */
export function settingsOf(file: A.SchemeFile): SchemeSettings {
  const seen = new Set<A.TopStmt['kind']>();
  let settings = DEFAULT_SETTINGS;
  for (const s of file.statements) {
    if (seen.has(s.kind)) continue;
    const next = withSetting(settings, s);
    if (next === undefined) continue;
    seen.add(s.kind);
    settings = next;
  }
  return sameShape(settings);
}

/**
 * One literal for every scheme's settings, its strings internalized: the runtime reads settings
 * of many schemes in one process, and objects made by different chains of spreads (or holding
 * different kinds of value) would give its optimized code several shapes to check.
 */
function sameShape(s: SchemeSettings): SchemeSettings {
  return { name: interned(s.name), mode: s.mode, base: interned(s.base), attempts: s.attempts, rates: s.rates === null ? null : interned(s.rates), p2pFirst: s.p2pFirst };
}

/** `settings` with `s` applied; undefined when `s` is not a setting line. */
function withSetting(settings: SchemeSettings, s: A.TopStmt): SchemeSettings | undefined {
  switch (s.kind) {
    case 'SchemeStmt':
      return { ...settings, name: s.name.name };
    case 'ModeStmt':
      return { ...settings, mode: s.mode };
    case 'RatesStmt':
      return { ...settings, rates: s.name.name };
    case 'BaseStmt':
      return isCurrency(s.currency.code) ? { ...settings, base: s.currency.code } : settings;
    case 'AttemptsStmt':
      return { ...settings, attempts: attemptsOf(s.count) ?? settings.attempts };
    case 'P2PFirstStmt':
      return { ...settings, p2pFirst: true };
    default:
      return undefined;
  }
}

/** `attempts N`: a whole number of at least 1 (and a safe integer); undefined for anything else. */
export function attemptsOf(count: A.NumberLit): number | undefined {
  const n = parseDecimal(count.text);
  return n !== undefined && n.d === 1n && n.n >= 1n && n.n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n.n) : undefined;
}

/** How each declared field's JSON value is read (the first declaration of a name wins). */
export function fieldKindsOf(file: A.SchemeFile): Map<string, FieldKind> {
  const kinds = new Map<string, FieldKind>();
  for (const s of file.statements) if (s.kind === 'FieldStmt' && !kinds.has(s.name.name)) kinds.set(interned(s.name.name), s.type);
  return kinds;
}

export function routeOf(s: A.RouteStmt): RouteDef {
  const route: { -readonly [K in keyof Omit<RouteDef, 'calc'>]: RouteDef[K] } = {
    name: interned(s.name.name),
    currency: interned(s.currency.code),
    feeRate: null,
    feeFixed: null,
    markup: null,
    min: null,
    max: null,
    daily: null,
    monthly: null,
    p2p: false,
    disabled: false,
  };
  for (const o of s.options) {
    if (o.kind === 'fee') {
      route.feeRate = o.percent && percent(o.percent);
      route.feeFixed = o.fixed && num(o.fixed.text);
    } else if (o.kind === 'markup') route.markup = percent(o.percent);
    else if ('amount' in o) route[o.kind] = num(o.amount.text);
    else route[o.kind] = true;
  }
  // One literal, every field in place, for the reason given at sameShape.
  const { name, currency, feeRate, feeFixed, markup, min, max, daily, monthly, p2p, disabled } = route;
  return { name, currency, feeRate, feeFixed, markup, min, max, daily, monthly, p2p, disabled, calc: routeCalc(route) };
}

export function routesOf(file: A.SchemeFile): Map<string, RouteDef> {
  const routes = new Map<string, RouteDef>();
  for (const s of file.statements) if (s.kind === 'RouteStmt' && !routes.has(s.name.name)) routes.set(s.name.name, routeOf(s));
  return routes;
}

/** A strategy's p2p options where none is given: LANGUAGE.md §5's defaults, defined here only. */
export const DEFAULT_P2P: P2PConfig = { sort: 'oldest', minAmount: null, urgentMs: null, minRemainder: null };

function p2pConfig(options: A.P2POptions | null): P2PConfig {
  const config: { -readonly [K in keyof P2PConfig]: P2PConfig[K] } = { ...DEFAULT_P2P };
  for (const o of options?.options ?? []) {
    if (o.kind === 'sort') config.sort = o.order;
    else if (o.kind === 'urgent') config.urgentMs = o.duration.count * HOUR_MS * (o.duration.unit === 'd' ? 24 : 1);
    else if (o.kind === 'min_amount') config.minAmount = num(o.amount.text);
    else config.minRemainder = num(o.amount.text);
  }
  return config;
}

function strategyOf(s: A.StrategyStmt, key: string, routes: ReadonlyMap<string, RouteDef>): StrategyDef {
  const refs = s.routes.filter((r) => routes.has(r.name.name));
  return {
    key,
    kind: s.strategy,
    routes: refs.map((r) => routes.get(r.name.name)!),
    // `optimal` is `weight` with equal weights.
    weights: refs.map((r) => (r.weight ? percent(r.weight) : rat(1n))),
    split: s.split,
    p2p: p2pConfig(s.p2p),
    line: s.span.start.line,
  };
}

/** A plan's strategies, keyed by their place: `SERVICE/BRANCH.../INDEX`. */
export function planOf(plan: A.Plan, path: string, routes: ReadonlyMap<string, RouteDef>): PlanDef {
  switch (plan.kind) {
    case 'RejectStmt':
      return { kind: 'reject', reason: plan.reason.value, line: plan.span.start.line };
    case 'StrategyStmt':
      return { kind: 'strategies', strategies: [strategyOf(plan, `${path}/0`, routes)] };
    case 'CascadeStmt':
      return { kind: 'strategies', strategies: plan.strategies.map((s, i) => strategyOf(s, `${path}/${i}`, routes)) };
  }
}

export function servicesOf(file: A.SchemeFile): Map<string, A.ServiceStmt> {
  const services = new Map<string, A.ServiceStmt>();
  for (const s of file.statements) if (s.kind === 'ServiceStmt' && !services.has(s.name.name)) services.set(s.name.name, s);
  return services;
}

export function blocksOf(file: A.SchemeFile): A.BlockStmt[] {
  return file.statements.filter((s): s is A.BlockStmt => s.kind === 'BlockStmt');
}

/** Currencies of the money literals in an expression. */
export function moneyCurrenciesIn(e: A.Expr, out: Set<string>): Set<string> {
  for (const c of comparisons(e)) {
    for (const v of c.kind === 'Compare' ? [c.value] : c.values) if (v.kind === 'Money') out.add(v.currency.code);
  }
  return out;
}

export function bodyConditions(body: A.Body): A.Expr[] {
  if (body.kind !== 'Chain') return [];
  return body.branches.flatMap((b) => [...(b.condition ? [b.condition] : []), ...bodyConditions(b.body)]);
}

/** Per service, the currencies of money literals in the blocks and in that service. */
export function moneyCurrencies(file: A.SchemeFile): { blocks: string[]; services: Map<string, string[]> } {
  const inBlocks = new Set<string>();
  for (const b of blocksOf(file)) moneyCurrenciesIn(b.condition, inBlocks);
  const services = new Map<string, string[]>();
  for (const [name, s] of servicesOf(file)) {
    const set = new Set(inBlocks);
    for (const c of bodyConditions(s.body)) moneyCurrenciesIn(c, set);
    services.set(name, [...set]);
  }
  return { blocks: [...inBlocks], services };
}

/** The comparisons and memberships of an expression, in source order. */
export function comparisons(e: A.Expr): (A.Comparison | A.Membership)[] {
  switch (e.kind) {
    case 'Or':
    case 'And':
      return [...comparisons(e.left), ...comparisons(e.right)];
    case 'Not':
      return comparisons(e.operand);
    case 'Paren':
      return comparisons(e.inner);
    case 'Compare':
    case 'In':
      return [e];
  }
}

/** Every attribute reference of an expression, in source order. */
export function attrRefs(e: A.Expr): A.AttrRef[] {
  return comparisons(e).map((c) => c.attr);
}

/** The distinct attributes an expression reads, in order of first appearance. */
export function attributesOf(e: A.Expr, out: Map<string, { name: string; isField: boolean }> = new Map()) {
  for (const a of attrRefs(e)) if (!out.has(valueKey(a))) out.set(valueKey(a), { name: a.name, isField: a.isField });
  return [...out.values()];
}
