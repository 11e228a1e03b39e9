// The AST nodes as both parsers build them from tokens: Chevrotain's (grammar/parser.ts, any
// source, with recovery) and the hand-written one (grammar/descent.ts, sources without syntax
// errors). One builder per node keeps their ASTs the same, key order included (JSON outputs).
// Where a node's span starts or ends where one of its parts' does, it shares that part's
// position objects (or whole span): every parse keeps tens of thousands of them alive.
import type { IToken } from 'chevrotain';
import type * as A from './ast.js';
import { join, tokenSpan, tokensSpan, tokenToSpan } from './span.js';
import { decodeString } from './strings.js';

/** A string literal with an escape LANGUAGE.md does not allow. */
export interface BadEscape {
  readonly token: IToken;
  readonly index: number;
  readonly text: string;
}

export function ident(t: IToken): A.Ident {
  return { kind: 'Ident', name: t.image, span: tokenSpan(t) };
}

export function num(t: IToken): A.NumberLit {
  return { kind: 'Number', text: t.image, span: tokenSpan(t) };
}

export function code(t: IToken): A.CodeLit {
  return { kind: 'Code', code: t.image, span: tokenSpan(t) };
}

export function percent(t: IToken): A.PercentLit {
  return { kind: 'Percent', text: t.image.slice(0, -1), span: tokenSpan(t) };
}

/** Escapes LANGUAGE.md does not allow go to `bad`: they are diagnostics, not syntax errors. */
export function str(t: IToken, bad: BadEscape[]): A.StringLit {
  const decoded = decodeString(t.image);
  for (const b of decoded.badEscapes) bad.push({ token: t, ...b });
  return { kind: 'String', raw: t.image, value: decoded.value, span: tokenSpan(t) };
}

export function bool(t: IToken): A.BoolLit {
  return { kind: 'Bool', value: t.image === 'true', span: tokenSpan(t) };
}

export function duration(t: IToken): A.DurationLit {
  const text = t.image;
  return { kind: 'Duration', text, count: Number(text.slice(0, -1)), unit: text.endsWith('h') ? 'h' : 'd', span: tokenSpan(t) };
}

// ---- statements ----

/** The `scheme` and `rates` lines: a keyword and a name. */
export function named<K extends 'SchemeStmt' | 'RatesStmt'>(kind: K, kw: IToken, name: IToken): { kind: K; name: A.Ident; span: A.Span } {
  return { kind, name: ident(name), span: tokensSpan(kw, name) };
}

export function modeStmt(kw: IToken, value: IToken): A.ModeStmt {
  return { kind: 'ModeStmt', mode: value.image === 'live' ? 'live' : 'test', span: tokensSpan(kw, value) };
}

export function baseStmt(kw: IToken, cur: IToken): A.BaseStmt {
  return { kind: 'BaseStmt', currency: code(cur), span: tokensSpan(kw, cur) };
}

export function attemptsStmt(kw: IToken, n: IToken): A.AttemptsStmt {
  return { kind: 'AttemptsStmt', count: num(n), span: tokensSpan(kw, n) };
}

export function p2pFirstStmt(kw: IToken, first: IToken): A.P2PFirstStmt {
  return { kind: 'P2PFirstStmt', span: tokensSpan(kw, first) };
}

export function requireStmt(kw: IToken, names: readonly IToken[]): A.RequireStmt {
  return { kind: 'RequireStmt', attributes: names.map(ident), span: tokensSpan(kw, names[names.length - 1] ?? kw) };
}

/** `values` are a `one_of` field's, else empty; `required` the token, if written. */
export function fieldStmt(kw: IToken, name: IToken, type: IToken, values: A.StringLit[], required: IToken | undefined): A.FieldStmt {
  const last = required ?? (values.length ? undefined : type);
  const end = last ? tokenSpan(last) : values[values.length - 1]!.span;
  return {
    kind: 'FieldStmt',
    name: ident(name),
    type: type.image as A.FieldType,
    typeSpan: tokenSpan(type),
    values,
    required: required !== undefined,
    span: tokenToSpan(kw, end),
  };
}

export function routeStmt(kw: IToken, name: IToken, cur: IToken, options: A.RouteOption[]): A.RouteStmt {
  return {
    kind: 'RouteStmt',
    name: ident(name),
    currency: code(cur),
    options,
    span: tokenToSpan(kw, options.length ? options[options.length - 1]!.span : tokenSpan(cur)),
  };
}

export function feeOption(kw: IToken, percentTok: IToken | undefined, fixed: IToken | undefined): A.RouteOption {
  return {
    kind: 'fee',
    percent: percentTok ? percent(percentTok) : null,
    fixed: fixed ? num(fixed) : null,
    span: tokensSpan(kw, (fixed ?? percentTok)!),
  };
}

export function markupOption(kw: IToken, p: IToken): A.RouteOption {
  return { kind: 'markup', percent: percent(p), span: tokensSpan(kw, p) };
}

/** `min`, `max`, `daily` or `monthly` and its amount. */
export function limitOption(kw: IToken, n: IToken): A.RouteOption {
  return { kind: kw.image as 'min' | 'max' | 'daily' | 'monthly', amount: num(n), span: tokensSpan(kw, n) };
}

/** `p2p` or `disabled`. */
export function flagOption(kw: IToken): A.RouteOption {
  return { kind: kw.image as 'p2p' | 'disabled', span: tokenSpan(kw) };
}

export function blockStmt(kw: IToken, name: IToken, condition: A.Expr): A.BlockStmt {
  return { kind: 'BlockStmt', name: ident(name), condition, span: tokenToSpan(kw, condition.span) };
}

export function serviceStmt(kw: IToken, name: IToken, body: A.Body, close: IToken): A.ServiceStmt {
  const closeSpan = tokenSpan(close);
  return { kind: 'ServiceStmt', name: ident(name), body, closeSpan, span: tokenToSpan(kw, closeSpan) };
}

// ---- bodies ----

/** `branches` is not empty. */
export function chain(branches: A.Branch[]): A.Chain {
  return { kind: 'Chain', branches, span: join(branches[0]!.span, branches[branches.length - 1]!.span) };
}

/** `kw` is the `when` or `else` that opens the branch, `close` its `}`. */
export function branch(kw: IToken, condition: A.Expr | undefined, body: A.Body, close: IToken): A.Branch {
  const keywordSpan = tokenSpan(kw);
  const closeSpan = tokenSpan(close);
  return { kind: 'Branch', condition: condition ?? null, body, keywordSpan, closeSpan, span: join(keywordSpan, closeSpan) };
}

export function routeRef(name: IToken, weight: IToken | undefined): A.RouteRef {
  const id = ident(name);
  const share = weight ? percent(weight) : null;
  return { kind: 'RouteRef', name: id, weight: share, span: share ? join(id.span, share.span) : id.span };
}

export function strategy(kw: IToken, routes: A.RouteRef[], split: IToken | undefined, p2p: A.P2POptions | undefined): A.StrategyStmt {
  const strategySpan = tokenSpan(kw);
  const last = split ? tokenSpan(split) : routes.length ? routes[routes.length - 1]!.span : strategySpan;
  return {
    kind: 'StrategyStmt',
    strategy: kw.image as A.StrategyName,
    strategySpan,
    routes,
    split: split !== undefined,
    p2p: p2p ?? null,
    span: join(strategySpan, last),
  };
}

export function p2pOptions(kw: IToken, options: A.P2POption[]): A.P2POptions {
  return { kind: 'P2POptions', options, span: tokenToSpan(kw, options.length ? options[options.length - 1]!.span : tokenSpan(kw)) };
}

export function sortOption(kw: IToken, order: IToken): A.P2POption {
  return { kind: 'sort', order: order.image as A.P2PSort, span: tokensSpan(kw, order) };
}

/** `min_amount` or `min_remainder` and its amount. */
export function amountOption(kw: IToken, n: IToken): A.P2POption {
  return { kind: kw.image as 'min_amount' | 'min_remainder', amount: num(n), span: tokensSpan(kw, n) };
}

export function urgentOption(kw: IToken, d: IToken): A.P2POption {
  return { kind: 'urgent', duration: duration(d), span: tokensSpan(kw, d) };
}

export function cascade(kw: IToken, strategies: A.StrategyStmt[], close: IToken): A.CascadeStmt {
  const closeSpan = tokenSpan(close);
  return { kind: 'CascadeStmt', strategies, closeSpan, span: tokenToSpan(kw, closeSpan) };
}

export function reject(kw: IToken, reason: IToken, bad: BadEscape[]): A.RejectStmt {
  return { kind: 'RejectStmt', reason: str(reason, bad), span: tokensSpan(kw, reason) };
}

// ---- expressions ----

export function binary(kind: 'Or' | 'And', left: A.Expr, right: A.Expr): A.Expr {
  return { kind, left, right, span: join(left.span, right.span) };
}

export function not(kw: IToken, operand: A.Expr): A.Expr {
  return { kind: 'Not', operand, span: tokenToSpan(kw, operand.span) };
}

export function paren(open: IToken, inner: A.Expr, close: IToken): A.Expr {
  return { kind: 'Paren', inner, span: tokensSpan(open, close) };
}

/** An attribute, a `service` keyword or a `fields.NAME` token. */
export function attr(t: IToken, isField: boolean): A.AttrRef {
  return { kind: 'Attr', name: isField ? t.image.slice('fields.'.length) : t.image, isField, span: tokenSpan(t) };
}

export function comparison(attrRef: A.AttrRef, op: IToken, value: A.Value): A.Expr {
  return { kind: 'Compare', attr: attrRef, op: op.image as A.CompareOp, opSpan: tokenSpan(op), value, span: join(attrRef.span, value.span) };
}

/** A `[...]` list: its values and span. */
export interface List {
  readonly values: A.Value[];
  readonly span: A.Span;
}

export function list(open: IToken, values: A.Value[], close: IToken): List {
  return { values, span: tokensSpan(open, close) };
}

export function membership(attrRef: A.AttrRef, not: IToken | undefined, l: List): A.Expr {
  return { kind: 'In', attr: attrRef, negated: not !== undefined, values: l.values, listSpan: l.span, span: join(attrRef.span, l.span) };
}

/** A number, or an amount when a currency code follows it. */
export function numberOrMoney(n: IToken, cur: IToken | undefined): A.Value {
  const amount = num(n);
  if (!cur) return amount;
  const currency = code(cur);
  return { kind: 'Money', amount, currency, span: join(amount.span, currency.span) };
}
