// Conditions: every attribute and field must exist, and every compared value must fit its type.
import type { AttrRef, Comparison, Expr, Membership, NumberLit, Value } from '../grammar/ast.js';
import { error, type Diagnostic } from '../grammar/diagnostics.js';
import { parseDecimal } from '../runtime/rational.js';
import { ATTRIBUTES, WEEKDAYS, describeType, isNumeric, type ResolvedAttr, type ValueType } from './attributes.js';
import type { CheckContext } from './check-context.js';
import { countryProblem, currencyProblem } from './check-codes.js';
import { didYouMean, meant, NO_HINT, type Hint } from './suggest.js';

export function checkExpr(e: Expr, ctx: CheckContext): void {
  for (const atom of atomsOf(e)) {
    if (atom.kind === 'Compare') checkComparison(atom, ctx);
    else checkMembership(atom, ctx);
  }
}

/** The comparisons of an expression, in source order. A loop, not recursion: `and` chains can be long. */
function atomsOf(e: Expr): (Comparison | Membership)[] {
  const out: (Comparison | Membership)[] = [];
  const todo: Expr[] = [e];
  for (let x = todo.pop(); x; x = todo.pop()) {
    if (x.kind === 'Compare' || x.kind === 'In') out.push(x);
    else if (x.kind === 'Not') todo.push(x.operand);
    else if (x.kind === 'Paren') todo.push(x.inner);
    else todo.push(x.right, x.left);
  }
  return out;
}

function checkComparison(c: Comparison, ctx: CheckContext): void {
  const attr = resolve(c.attr, ctx);
  if (!attr) return;
  if (c.op !== '=' && c.op !== '!=' && !isNumeric(attr.type)) {
    const message = `'${c.op}' orders numbers and money only, but ${label(c.attr)} takes ${describeType(attr.type)}; compare it with = or !=`;
    ctx.diagnostics.push(error('E_ORDERING', message, c.opSpan));
    return;
  }
  const problem = valueProblem(label(c.attr), attr.type, c.value);
  if (problem) ctx.diagnostics.push(problem);
}

function checkMembership(m: Membership, ctx: CheckContext): void {
  const attr = resolve(m.attr, ctx);
  if (m.values.length === 0) {
    const message = `expected at least one value in the list; found an empty list, with which ${label(m.attr)} ${m.negated ? 'not in' : 'in'} [] means nothing useful`;
    ctx.diagnostics.push(error('E_EMPTY_LIST', message, m.listSpan));
  }
  if (!attr) return;
  for (const v of m.values) {
    const problem = valueProblem(label(m.attr), attr.type, v);
    if (problem) ctx.diagnostics.push(problem);
  }
}

function label(attr: AttrRef): string {
  return attr.isField ? `fields.${attr.name}` : attr.name;
}

/** The attribute's type, or undefined for an unknown one (reported). Records fields as used. */
function resolve(attr: AttrRef, ctx: CheckContext): ResolvedAttr | undefined {
  if (attr.isField) ctx.usedFields.add(attr.name);
  const found = ctx.resolve(attr);
  if (!found && attr.isField) reportUnknownField(attr, ctx);
  else if (!found) reportUnknownAttribute(attr, ctx);
  return found;
}

function reportUnknownField(attr: AttrRef, ctx: CheckContext): void {
  // A partial parse may have lost the declaration: no guessing then.
  if (ctx.partial) return;
  const hint = didYouMean(attr.name, ctx.symbols.fields.keys(), (f) => `fields.${f}`);
  const message = `fields.${attr.name} is not declared; declare it with 'field ${attr.name} TYPE'${hint.text}`;
  ctx.diagnostics.push(error('E_UNKNOWN_FIELD', message, attr.span, hint.replacement));
}

function reportUnknownAttribute(attr: AttrRef, ctx: CheckContext): void {
  const isField = ctx.symbols.fields.has(attr.name);
  // `kyc_level` for `fields.kyc_level`: the field is meant, so it is not reported unused too.
  if (isField) ctx.usedFields.add(attr.name);
  const near = isField ? meant(`fields.${attr.name}`) : didYouMean(attr.name, ATTRIBUTES.keys());
  const hint = near.text || `; the attributes are ${[...ATTRIBUTES.keys()].join(', ')}, and fields are read as fields.NAME`;
  ctx.diagnostics.push(error('E_UNKNOWN_ATTRIBUTE', `${attr.name} is not an attribute${hint}`, attr.span, near.replacement));
}

/** What is wrong with comparing an attribute of type `t` with `v`, if anything. */
function valueProblem(attr: string, t: ValueType, v: Value): Diagnostic | undefined {
  switch (t.kind) {
    case 'money':
      if (v.kind === 'Money') return currencyProblem(v.currency);
      return v.kind === 'Number' ? undefined : mismatch(attr, t, v);
    case 'int':
      return v.kind === 'Number' ? intProblem(attr, t, v) : mismatch(attr, t, v);
    case 'decimal':
      return v.kind === 'Number' ? undefined : mismatch(attr, t, v);
    case 'string':
      return v.kind === 'String' ? undefined : mismatch(attr, t, v);
    case 'bool':
      return v.kind === 'Bool' ? undefined : mismatch(attr, t, v);
    case 'currency':
      return v.kind === 'Code' ? currencyProblem(v) : mismatch(attr, t, v);
    case 'country':
      return v.kind === 'Code' ? countryProblem(v) : mismatch(attr, t, v);
    case 'name':
      return v.kind === 'Ident' ? undefined : mismatch(attr, t, v);
    case 'weekday':
      if (v.kind !== 'Ident') return mismatch(attr, t, v);
      return WEEKDAYS.includes(v.name) ? undefined : unknownValue(`${v.name} is not a weekday`, t, v, v.name, WEEKDAYS);
    case 'one_of':
      if (v.kind !== 'String') return mismatch(attr, t, v);
      if (membersOf(t.values).has(v.value)) return undefined;
      return unknownValue(`${v.raw} is not a value of ${attr}`, t, v, v.value, t.values, JSON.stringify);
  }
}

// A one_of's values as a set, made once per field: a scan of 10,000 values per compared value
// made a long `not in` list against a long one_of cost their product.
const members = new WeakMap<readonly string[], ReadonlySet<string>>();

function membersOf(values: readonly string[]): ReadonlySet<string> {
  let set = members.get(values);
  if (!set) members.set(values, (set = new Set(values)));
  return set;
}

function intProblem(attr: string, t: ValueType & { kind: 'int' }, v: NumberLit): Diagnostic | undefined {
  const n = parseDecimal(v.text);
  if (n === undefined) return undefined; // a number the parser invented while recovering
  if (n.d !== 1n) return error('E_TYPE_MISMATCH', `${attr} takes ${describeType(t)}; found ${v.text}, which is not whole`, v.span);
  const outside = (t.min !== undefined && n.n < BigInt(t.min)) || (t.max !== undefined && n.n > BigInt(t.max));
  if (!outside) return undefined;
  return error('E_INVALID_NUMBER', `${attr} takes ${describeType(t)}; ${v.text} is outside that range`, v.span);
}

function unknownValue(what: string, t: ValueType, v: Value, name: string, known: readonly string[], show?: (s: string) => string): Diagnostic {
  const hint = didYouMean(name, known, show);
  return error('E_UNKNOWN_VALUE', `${what}: expected ${describeType(t)}${hint.text}`, v.span, hint.replacement);
}

function mismatch(attr: string, t: ValueType, v: Value): Diagnostic {
  const hint = rewriteHint(t, v);
  return error('E_TYPE_MISMATCH', `${attr} takes ${describeType(t)}; found ${describeValue(v)}${hint.text}`, v.span, hint.replacement);
}

function describeValue(v: Value): string {
  switch (v.kind) {
    case 'Number':
      return `the number ${v.text}`;
    case 'Money':
      return `the amount ${v.amount.text} ${v.currency.code}`;
    case 'String':
      return `the string ${v.raw}`;
    case 'Code':
      return `the code ${v.code}`;
    case 'Ident':
      return `the name ${v.name}`;
    case 'Bool':
      return String(v.value);
  }
}

// What each type's values look like written bare, to spot a value that only needs its quotes off.
const NUMBER = /^\d+(?:\.\d+)?$/;
const BARE: Partial<Record<ValueType['kind'], RegExp>> = {
  money: NUMBER,
  int: NUMBER,
  decimal: NUMBER,
  bool: /^(?:true|false)$/,
  currency: /^[A-Z][A-Z0-9]*$/,
  country: /^[A-Z][A-Z0-9]*$/,
  name: /^[a-z_][a-z0-9_]*$/,
  weekday: new RegExp(`^(?:${WEEKDAYS.join('|')})$`),
};

/** The likely intended spelling when only the quotes or the case are off: `country = "DE"`, `point = pop_1`. */
function rewriteHint(t: ValueType, v: Value): Hint {
  if (v.kind === 'String' && BARE[t.kind]?.test(v.value)) return { text: `; write ${v.value} without quotes`, replacement: v.value };
  const text = v.kind === 'Code' ? v.code : v.kind === 'Ident' ? v.name : v.kind === 'Number' ? v.text : undefined;
  if ((t.kind === 'string' || t.kind === 'one_of') && text !== undefined) return { text: `; write "${text}" in quotes`, replacement: `"${text}"` };
  const lower = v.kind === 'Code' ? v.code.toLowerCase() : '';
  if (t.kind === 'weekday' && WEEKDAYS.includes(lower)) return { text: `; write ${lower}`, replacement: lower };
  return NO_HINT;
}
