// Top-level declarations: the scheme line, setting lines, fields, routes, blocks, services.
// Collects them into Symbols (first declaration wins) and reports what is wrong with them.
import type * as A from '../grammar/ast.js';
import { error, warning, type Diagnostic } from '../grammar/diagnostics.js';
import { cmp, parseDecimal, rat } from '../runtime/rational.js';
import { fieldValueType, type FieldInfo } from './attributes.js';
import { currencyProblem, W_MIN_ABOVE_MAX } from './check-codes.js';
import { lineOf, type Symbols } from './check-context.js';
import { attemptsOf, settingsOf } from './lower.js';

type Setting = A.SchemeStmt | A.ModeStmt | A.RatesStmt | A.BaseStmt | A.AttemptsStmt | A.P2PFirstStmt;

const SETTING_LABELS: ReadonlyMap<A.TopStmt['kind'], string> = new Map([
  ['SchemeStmt', 'scheme'],
  ['ModeStmt', 'mode'],
  ['RatesStmt', 'rates'],
  ['BaseStmt', 'base'],
  ['AttemptsStmt', 'attempts'],
  ['P2PFirstStmt', 'p2p first'],
]);

const HUNDRED = rat(100n);

export function declare(file: A.SchemeFile, partial: boolean, out: Diagnostic[]): Symbols {
  checkSchemeLine(file, partial, out);
  const routes = new Map<string, A.RouteStmt>();
  const fields = new Map<string, FieldInfo>();
  const blocks = new Map<string, A.BlockStmt>();
  const services = new Map<string, A.ServiceStmt>();
  for (const s of file.statements) {
    if (s.kind === 'FieldStmt') declareField(s, fields, out);
    else if (s.kind === 'RouteStmt') {
      checkRoute(s, out);
      if (isNew('route', s.name, routes.get(s.name.name), out)) routes.set(s.name.name, s);
    } else if (s.kind === 'BlockStmt' && isNew('block', s.name, blocks.get(s.name.name), out)) blocks.set(s.name.name, s);
    else if (s.kind === 'ServiceStmt' && isNew('service', s.name, services.get(s.name.name), out)) services.set(s.name.name, s);
  }
  checkSettings(file, out);
  return { routes, fields, blocks, services, settings: settingsOf(file) };
}

function checkSchemeLine(file: A.SchemeFile, partial: boolean, out: Diagnostic[]): void {
  const at = file.statements.findIndex((s) => s.kind === 'SchemeStmt');
  const first = file.statements[0];
  if (at > 0 && first) {
    const message = `the scheme line must be the first statement; move it above ${lineOf(first)}`;
    out.push(error('E_SCHEME_NOT_FIRST', message, file.statements[at]!.span));
  }
  // A partial parse may have lost the scheme line itself: the syntax error says enough.
  if (at < 0 && !partial) {
    const start = file.span.start;
    out.push(error('E_NO_SCHEME', "a scheme file starts with 'scheme NAME'; none was found", { start, end: start }));
  }
}

/** False for a name already declared (reported) or one the parser invented while recovering. */
function isNew(what: string, name: A.Ident, first: { readonly span: A.Span } | undefined, out: Diagnostic[]): boolean {
  if (name.name === '') return false;
  if (first === undefined) return true;
  out.push(error('E_DUPLICATE', `${what} ${name.name} is already declared on ${lineOf(first)}`, name.span));
  return false;
}

function declareField(s: A.FieldStmt, fields: Map<string, FieldInfo>, out: Diagnostic[]): void {
  const type = fieldValueType(s);
  const values = new Set<string>();
  for (const v of s.values) {
    if (values.has(v.value)) out.push(error('E_DUPLICATE', `${v.raw} is already listed for field ${s.name.name}`, v.span));
    values.add(v.value);
  }
  if (type && isNew('field', s.name, fields.get(s.name.name)?.stmt, out)) fields.set(s.name.name, { stmt: s, type });
}

function checkRoute(s: A.RouteStmt, out: Diagnostic[]): void {
  const currency = currencyProblem(s.currency);
  if (currency) out.push(currency);
  const given = new Set<string>();
  for (const o of s.options) {
    if (given.has(o.kind)) out.push(error('E_DUPLICATE', `${o.kind} is already given for route ${s.name.name}`, o.span));
    given.add(o.kind);
    const percent = o.kind === 'fee' || o.kind === 'markup' ? o.percent : null;
    const value = percent && parseDecimal(percent.text);
    if (percent && value && cmp(value, HUNDRED) > 0) {
      out.push(error('E_INVALID_NUMBER', `a ${o.kind} of ${percent.text}% is more than the whole amount; expected at most 100%`, percent.span));
    }
  }
  checkMinMax(s, out);
}

type Bound = { readonly kind: 'min' | 'max' | 'daily' | 'monthly'; readonly amount: A.NumberLit; readonly span: A.Span };

/** A route whose `min` exceeds its `max` can take no debit at all: legal, but surely a slip. */
function checkMinMax(s: A.RouteStmt, out: Diagnostic[]): void {
  const bound = (kind: 'min' | 'max') => s.options.find((o): o is Bound => o.kind === kind);
  const min = bound('min');
  const max = bound('max');
  const lo = min && parseDecimal(min.amount.text);
  const hi = max && parseDecimal(max.amount.text);
  if (!lo || !hi || cmp(lo, hi) <= 0) return;
  out.push(warning(W_MIN_ABOVE_MAX, `route ${s.name.name} has min ${min.amount.text} above max ${max.amount.text}, so no debit can fit it`, min.span));
}

/** Each setting once; a base that is a currency; attempts a whole number of at least 1. */
function checkSettings(file: A.SchemeFile, out: Diagnostic[]): void {
  const seen = new Map<string, Setting>();
  for (const s of file.statements) {
    if (!isSetting(s)) continue;
    const first = seen.get(s.kind);
    if (first) {
      out.push(error('E_DUPLICATE', `${SETTING_LABELS.get(s.kind)} is already set on ${lineOf(first)}`, s.span));
      continue;
    }
    seen.set(s.kind, s);
    const problem = s.kind === 'BaseStmt' ? currencyProblem(s.currency) : s.kind === 'AttemptsStmt' ? attemptsProblem(s) : undefined;
    if (problem) out.push(problem);
  }
}

/** A setting line (`scheme`, `mode`, `rates`, `base`, `attempts`, `p2p first`): at most one of each. */
export function isSetting(s: A.TopStmt): s is Setting {
  return SETTING_LABELS.has(s.kind);
}

function attemptsProblem(s: A.AttemptsStmt): Diagnostic | undefined {
  // A number the parser invented while recovering has a syntax error already.
  if (parseDecimal(s.count.text) === undefined || attemptsOf(s.count) !== undefined) return undefined;
  return error('E_INVALID_NUMBER', `attempts takes a whole number of at least 1, like 3; found ${s.count.text}`, s.count.span);
}
