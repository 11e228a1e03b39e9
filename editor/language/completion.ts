// Completion in context: what may come next at the cursor, read from the tokens of the line
// before it (the grammar's lexer) and the scheme's declarations (the grammar's parser).
import type { IToken } from 'chevrotain';
import { ATTRIBUTES, WEEKDAYS } from '../../compiler/attributes.js';
import { COUNTRY_CODES } from '../../runtime/countries.js';
import { STRATEGY_NAMES } from '../../grammar/ast.js';
import { parse } from '../../grammar/parse.js';
import { CURRENCY_CODES } from '../../runtime/currencies.js';
import { attributeDoc, FIELD_TYPES, KEYWORD_DOCS, P2P_OPTIONS, P2P_SORTS, ROUTE_OPTIONS, STRATEGY_DOCS } from './docs.js';
import { lex } from './lexer.js';
import { summarize, type SymbolSummary } from './symbols.js';

export type CompletionKind =
  | 'keyword'
  | 'attribute'
  | 'field'
  | 'value'
  | 'route'
  | 'strategy'
  | 'currency'
  | 'country'
  | 'operator'
  | 'service'
  | 'snippet';

export interface Completion {
  readonly label: string;
  readonly kind: CompletionKind;
  readonly detail?: string;
  readonly documentation?: string;
  /** Monaco snippet syntax when `snippet` is true, else plain text (default: the label). */
  readonly insertText?: string;
  readonly snippet?: boolean;
}

export interface CompletionResult {
  /** 1-based column where the text the items replace starts (the word being typed). */
  readonly from: number;
  readonly items: readonly Completion[];
}

const TOP_LEVEL = ['scheme', 'mode', 'rates', 'base', 'attempts', 'field', 'route', 'block', 'service', 'p2p'] as const;
const COMPARISONS = ['=', '!=', '<', '<=', '>', '>=', 'in', 'not in'] as const;

const kw = (label: string, detail = 'keyword'): Completion => ({ label, kind: 'keyword', detail, ...(KEYWORD_DOCS[label] ? { documentation: KEYWORD_DOCS[label] } : {}) });

const SNIPPETS: readonly Completion[] = [
  { label: 'service', kind: 'snippet', detail: 'service NAME { ... }', insertText: 'service ${1:name} {\n\t$0\n}', snippet: true, documentation: KEYWORD_DOCS['service']! },
  { label: 'when', kind: 'snippet', detail: 'when COND { ... } else { ... }', insertText: 'when ${1:condition} {\n\t$2\n} else {\n\t$0\n}', snippet: true, documentation: KEYWORD_DOCS['when']! },
  { label: 'cascade', kind: 'snippet', detail: 'cascade { ... }', insertText: 'cascade {\n\t$0\n}', snippet: true, documentation: KEYWORD_DOCS['cascade']! },
];

/**
 * Completions at a 1-based line and column of `source`. `symbols`, when given, are the
 * declarations from the latest check (the language worker's); else `source` is parsed.
 */
export function completionsAt(source: string, line: number, column: number, symbols?: SymbolSummary): CompletionResult {
  const lines = source.split(/\r?\n/);
  const text = lines[line - 1] ?? '';
  const prefix = text.slice(0, Math.max(0, column - 1));
  const sym = symbols ?? summarize(parse(source).ast);
  const lineStart = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  const depth = braceDepth(lex(source.slice(0, lineStart)).tokens);

  const open = openString(prefix);
  if (open === 'comment') return { from: column, items: [] };
  const start = open ?? /[A-Za-z0-9_.]*$/.exec(prefix)!.index;
  const before = lex(prefix.slice(0, start)).tokens;
  const items = context(before, prefix.slice(start), depth, sym);
  return { from: start + 1, items: open === undefined ? items : items.filter((i) => i.label.startsWith('"')) };
}

/** Where an unclosed string starts in `prefix` (its quote's index), or 'comment' inside one. */
function openString(prefix: string): number | 'comment' | undefined {
  let quote: number | undefined;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i];
    if (quote === undefined && c === '#') return 'comment';
    if (c === '"') quote = quote === undefined ? i : undefined;
    else if (c === '\\' && quote !== undefined) i++;
  }
  return quote;
}

function braceDepth(tokens: readonly IToken[]): number {
  let d = 0;
  for (const t of tokens) {
    if (t.tokenType.name === 'LBrace') d++;
    else if (t.tokenType.name === 'RBrace') d = Math.max(0, d - 1);
  }
  return d;
}

const name = (t: IToken | undefined): string => t?.tokenType.name ?? '';

function context(t: readonly IToken[], word: string, depth: number, sym: SymbolSummary): Completion[] {
  const first = name(t[0]);
  const last = name(t[t.length - 1]);
  const whenAt = t.findIndex((x) => name(x) === 'Kw_when');
  if (whenAt >= 0) return expression(t.slice(whenAt + 1), word, sym);
  if (t.length === 0) {
    if (depth === 0) return TOP_LEVEL.map((k) => kw(k, 'statement')).concat(SNIPPETS.filter((s) => s.label === 'service'));
    return [
      ...SNIPPETS.filter((s) => s.label !== 'service'),
      ...STRATEGY_NAMES.map((s) => strategy(s)),
      kw('when'),
      kw('else'),
      kw('reject'),
      kw('p2p', 'p2p options of the strategy above'),
    ];
  }
  if (first === 'RBrace') return t.length === 1 ? [kw('else')] : last === 'Kw_else' ? [kw('when')] : [];
  if (first === 'Kw_else') return t.length === 1 ? [kw('when')] : [];
  if (first === 'Kw_mode' && t.length === 1) return [kw('live', 'mode'), kw('test', 'mode')];
  if (first === 'Kw_base' && t.length === 1) return currencies();
  if (first === 'Kw_block') return t.length === 2 ? [kw('when')] : [];
  if (first === 'Kw_route') return route(t);
  if (first === 'Kw_field') return field(t);
  if (first === 'Kw_p2p') {
    if (depth === 0) return t.length === 1 ? [kw('first', 'p2p first')] : [];
    if (last === 'Kw_sort') return P2P_SORTS.map((s) => kw(s, 'p2p sort order'));
    if (last === 'Kw_p2p' || last === 'Comma') {
      const used = new Set(t.map((x) => x.image));
      return P2P_OPTIONS.filter((o) => !used.has(o)).map((o) => kw(o, 'p2p option'));
    }
    return [];
  }
  if (STRATEGY_NAMES.some((s) => first === `Kw_${s}`)) return strategyLine(t, sym);
  return [];
}

function strategy(s: (typeof STRATEGY_NAMES)[number]): Completion {
  return { label: s, kind: 'strategy', detail: 'strategy', documentation: STRATEGY_DOCS[s] };
}

function currencies(): Completion[] {
  return CURRENCY_CODES.map((c) => ({ label: c, kind: 'currency', detail: 'ISO 4217 currency' }));
}

function route(t: readonly IToken[]): Completion[] {
  if (t.length < 2) return [];
  if (t.length === 2) return currencies();
  const last = name(t[t.length - 1]);
  // A number must follow these (or, after `fee`, the `+` of `P% + FIXED`).
  if (['Kw_fee', 'Kw_min', 'Kw_max', 'Kw_daily', 'Kw_monthly', 'Kw_markup', 'Plus'].includes(last)) return [];
  const used = new Set(t.slice(3).map((x) => x.image));
  return ROUTE_OPTIONS.filter((o) => !used.has(o)).map((o) => kw(o, 'route option'));
}

function field(t: readonly IToken[]): Completion[] {
  if (t.length === 2) return FIELD_TYPES.map((f) => kw(f, 'field type'));
  const last = name(t[t.length - 1]);
  if (t.length === 3 && last !== 'Kw_one_of') return [kw('required')];
  if (name(t[2]) === 'Kw_one_of' && last === 'String') return [kw('required')];
  return [];
}

function strategyLine(t: readonly IToken[], sym: SymbolSummary): Completion[] {
  const last = name(t[t.length - 1]);
  if (t.length === 1 || last === 'Comma') {
    const listed = new Set(t.filter((x) => name(x) === 'Identifier').map((x) => x.image));
    return sym.routes
      .filter((r) => !listed.has(r.name))
      .map((r) => ({ label: r.name, kind: 'route', detail: `route ${r.currency}${r.p2p ? ' p2p' : ''}${r.disabled ? ' disabled' : ''}` }));
  }
  if (last === 'Percent' || (last === 'Identifier' && name(t[0]) !== 'Kw_weight')) return [kw('split')];
  return [];
}

// ---- conditions ----

interface AttrInfo {
  readonly label: string;
  readonly values: readonly Completion[];
}

function expression(t: readonly IToken[], word: string, sym: SymbolSummary): Completion[] {
  if (word.startsWith('fields.')) return fieldRefs(sym);
  const last = t[t.length - 1];
  const lastName = name(last);
  if (!last || ['Kw_and', 'Kw_or', 'Kw_not', 'LParen'].includes(lastName)) {
    // `ATTR not` continues with `in`; `not` elsewhere starts a negated condition.
    if (lastName === 'Kw_not' && isAttr(t[t.length - 2])) return [kw('in')];
    return [...attributes(), ...fieldRefs(sym), ...(lastName === 'Kw_not' ? [] : [kw('not')])];
  }
  if (isAttr(last)) return COMPARISONS.map((op) => ({ label: op, kind: 'operator' as const, detail: 'comparison' }));
  const attr = attrBefore(t, sym);
  if (['Eq', 'NotEq', 'Lt', 'LtEq', 'Gt', 'GtEq'].includes(lastName)) return [...(attr?.values ?? [])];
  if (lastName === 'LBracket' || (lastName === 'Comma' && insideList(t))) return [...(attr?.values ?? [])];
  if (lastName === 'Kw_in') return [];
  if (lastName === 'Number' && attr?.label === 'amount') return currencies();
  if (['Number', 'String', 'Code', 'Identifier', 'RBracket', 'RParen', 'Kw_true', 'Kw_false', 'FieldRef'].includes(lastName)) {
    return [kw('and'), kw('or')];
  }
  return [];
}

function insideList(t: readonly IToken[]): boolean {
  for (let i = t.length - 1; i >= 0; i--) {
    const n = name(t[i]);
    if (n === 'RBracket') return false;
    if (n === 'LBracket') return true;
  }
  return false;
}

function isAttr(tok: IToken | undefined): boolean {
  const n = name(tok);
  if (n === 'FieldRef' || n === 'Kw_service') return true;
  return n === 'Identifier' && ATTRIBUTES.has(tok!.image);
}

/** The attribute a value at the end of `t` is compared with: the nearest one before it. */
function attrBefore(t: readonly IToken[], sym: SymbolSummary): AttrInfo | undefined {
  for (let i = t.length - 1; i >= 0; i--) {
    const tok = t[i]!;
    if (!isAttr(tok)) continue;
    if (name(tok) === 'FieldRef') {
      const f = sym.fields.find((x) => x.name === tok.image.slice('fields.'.length));
      return { label: tok.image, values: f ? fieldValues(f) : [] };
    }
    return { label: tok.image, values: attributeValues(tok.image, sym) };
  }
  return undefined;
}

function attributeValues(attr: string, sym: SymbolSummary): Completion[] {
  const type = ATTRIBUTES.get(attr)?.type.kind;
  switch (type) {
    case 'currency':
      return currencies();
    case 'country':
      return COUNTRY_CODES.map((c) => ({ label: c, kind: 'country', detail: 'ISO 3166-1 country' }));
    case 'weekday':
      return WEEKDAYS.map((w) => ({ label: w, kind: 'value', detail: 'weekday' }));
    case 'bool':
      return [kw('true', 'bool'), kw('false', 'bool')];
    case 'name':
      return sym.services.map((s) => ({ label: s, kind: 'service', detail: 'service' }));
    default:
      return [];
  }
}

function fieldValues(f: SymbolSummary['fields'][number]): Completion[] {
  if (f.type === 'one_of') return f.values.map((v) => ({ label: v, kind: 'value', detail: `one_of of fields.${f.name}` }));
  if (f.type === 'bool') return [kw('true', 'bool'), kw('false', 'bool')];
  return [];
}

function attributes(): Completion[] {
  return [...ATTRIBUTES.keys()].map((a) => ({ label: a, kind: 'attribute', detail: 'attribute', documentation: attributeDoc(a)! }));
}

function fieldRefs(sym: SymbolSummary): Completion[] {
  return sym.fields.map((f) => ({
    label: `fields.${f.name}`,
    kind: 'field',
    detail: `field ${f.type}${f.required ? ' required' : ''}`,
    ...(f.type === 'one_of' ? { documentation: `one of ${f.values.join(', ')}` } : {}),
  }));
}
