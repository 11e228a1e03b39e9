// Completion in context: the grammar says which tokens may come next at the cursor
// (grammar/assist.ts, content assist over the parser) and this file turns them into items:
// a keyword as itself, a name or value from the scheme's declarations and the attributes.
import type { IToken, TokenType } from 'chevrotain';
import { ATTRIBUTES, WEEKDAYS } from '../compiler/attributes.js';
import { nextTokens, nextTokensOfLine, type NextToken } from '../grammar/assist.js';
import { parse } from '../grammar/parse.js';
import { Code, COMPARISON_OPERATORS, FieldRef, Identifier, KEYWORD_TYPES, Kw, KwSet, NumberLit, StringLit } from '../grammar/tokens.js';
import { COUNTRY_CODES } from '../runtime/countries.js';
import { CURRENCY_CODES } from '../runtime/currencies.js';
import { attributeDoc, KEYWORD_DOCS, STRATEGY_DOCS } from './docs.js';
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

const kw = (label: string, detail = 'keyword'): Completion => ({ label, kind: 'keyword', detail, ...(KEYWORD_DOCS[label] ? { documentation: KEYWORD_DOCS[label] } : {}) });

/** Templates offered beside their keyword at the start of a line. */
const SNIPPETS: readonly Completion[] = [
  { label: 'service', kind: 'snippet', detail: 'service NAME { ... }', insertText: 'service ${1:name} {\n\t$0\n}', snippet: true, documentation: KEYWORD_DOCS['service']! },
  { label: 'when', kind: 'snippet', detail: 'when COND { ... } else { ... }', insertText: 'when ${1:condition} {\n\t$2\n} else {\n\t$0\n}', snippet: true, documentation: KEYWORD_DOCS['when']! },
  { label: 'cascade', kind: 'snippet', detail: 'cascade { ... }', insertText: 'cascade {\n\t$0\n}', snippet: true, documentation: KEYWORD_DOCS['cascade']! },
];

/** Rules whose keyword is given at most once per statement: not offered again on its line. */
const ONCE_PER_LINE: ReadonlySet<string> = new Set(['routeOption', 'feeOption', 'p2pOption']);
const STRATEGIES: ReadonlySet<TokenType> = new Set(KwSet.strategy);

/**
 * Completions at a 1-based line and column of `source`. `symbols`, when given, are the
 * declarations from the latest check (the language worker's); else `source` is parsed.
 */
export function completionsAt(source: string, line: number, column: number, symbols?: SymbolSummary): CompletionResult {
  const lineStart = offsetOfLine(source, line);
  const lineEnd = source.slice(lineStart).search(/\r?\n|$/) + lineStart;
  const prefix = source.slice(lineStart, Math.min(lineEnd, lineStart + Math.max(0, column - 1)));
  const open = openString(prefix);
  if (open === 'comment') return { from: column, items: [] };
  const start = open ?? /[A-Za-z0-9_.]*$/.exec(prefix)!.index;
  // Only the text before the word being typed is read.
  const before = lex(source.slice(0, lineStart + start)).tokens;
  const sym = symbols ?? summarize(parse(source).ast);
  const onLine = before.filter((t) => t.startOffset >= lineStart);
  const items = complete(before, onLine, prefix.slice(start), sym);
  return { from: start + 1, items: open === undefined ? items : items.filter((i) => i.label.startsWith('"')) };
}

function offsetOfLine(source: string, line: number): number {
  let at = 0;
  for (let l = 1; l < line && at >= 0; l++) at = source.indexOf('\n', at) + 1 || -1;
  return Math.max(0, at === -1 ? source.length : at);
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

function complete(before: readonly IToken[], onLine: readonly IToken[], word: string, sym: SymbolSummary): Completion[] {
  const next = nextTokens(before);
  const found = next.length > 0 ? next : nextTokensOfLine(onLine);
  const used = new Set(onLine.map((t) => t.image));
  const items = found
    .filter((n) => !(ONCE_PER_LINE.has(n.rule) && used.has(n.type.name.slice('Kw_'.length))))
    .flatMap((n) => itemsFor(n, onLine, sym));
  const snippets = onLine.length === 0 ? SNIPPETS.filter((s) => items.some((i) => i.kind !== 'snippet' && i.label === s.label)) : [];
  const unique = dedupe([...items, ...snippets]);
  return word.startsWith('fields.') ? unique.filter((i) => i.kind === 'field') : unique;
}

/** The first item of each label (a snippet may share its keyword's). */
function dedupe(items: readonly Completion[]): Completion[] {
  const seen = new Set<string>();
  return items.filter((i) => i.kind === 'snippet' || (!seen.has(i.label) && seen.add(i.label)));
}

/** The items for one token the grammar accepts next. */
function itemsFor(n: NextToken, line: readonly IToken[], sym: SymbolSummary): Completion[] {
  const { type, rule } = n;
  if (rule === 'value') return valueItems(type, line, sym);
  if (rule === 'comparison') {
    if (COMPARISON_OPERATORS.includes(type)) return [operator(String(type.PATTERN))];
    // `not in` is offered as one operator, after `in`; once `not` is typed, `in` alone.
    if (type === Kw.not) return [];
    if (type === Kw.in) return line[line.length - 1]?.tokenType === Kw.not ? [operator('in')] : [operator('in'), operator('not in')];
    if (type === Identifier || type === Kw.service) return attributes();
  }
  if (type === FieldRef) return fieldRefs(sym);
  if (type === Identifier && rule === 'strategy') return routeNames(line, sym);
  if (type === Code) return currencies();
  if (STRATEGIES.has(type)) return [strategy(type.name.slice('Kw_'.length))];
  if (KEYWORD_TYPES.has(type)) return [kw(type.name.slice('Kw_'.length), rule.endsWith('Stmt') && line.length === 0 ? 'statement' : 'keyword')];
  return [];
}

const operator = (label: string): Completion => ({ label, kind: 'operator', detail: 'comparison' });

function strategy(s: string): Completion {
  return { label: s, kind: 'strategy', detail: 'strategy', documentation: STRATEGY_DOCS[s as keyof typeof STRATEGY_DOCS] };
}

function currencies(): Completion[] {
  return CURRENCY_CODES.map((c) => ({ label: c, kind: 'currency', detail: 'ISO 4217 currency' }));
}

/** The declared routes not yet listed on the strategy's line. */
function routeNames(line: readonly IToken[], sym: SymbolSummary): Completion[] {
  const listed = new Set(line.filter((x) => x.tokenType === Identifier).map((x) => x.image));
  return sym.routes
    .filter((r) => !listed.has(r.name))
    .map((r) => ({ label: r.name, kind: 'route', detail: `route ${r.currency}${r.p2p ? ' p2p' : ''}${r.disabled ? ' disabled' : ''}` }));
}

// ---- values in conditions ----

interface AttrInfo {
  readonly label: string;
  readonly values: readonly Completion[];
}

/** A value compared with the attribute before it: its values, or after a number the money's currency. */
function valueItems(type: TokenType, line: readonly IToken[], sym: SymbolSummary): Completion[] {
  if (type === Code && line[line.length - 1]?.tokenType === NumberLit) return currencies();
  if (type !== StringLit && type !== Code && type !== Identifier && !KwSet.bool.includes(type)) return [];
  const values = attrBefore(line, sym)?.values ?? [];
  return values.filter((v) => tokenOf(v) === type);
}

/** The token type a value completion is written as. */
function tokenOf(c: Completion): TokenType {
  if (c.label.startsWith('"')) return StringLit;
  if (c.kind === 'keyword') return Kw[c.label as 'true' | 'false'];
  return /^[A-Z]/.test(c.label) ? Code : Identifier;
}

function isAttr(tok: IToken | undefined): boolean {
  const t = tok?.tokenType;
  if (t === FieldRef || t === Kw.service) return true;
  return t === Identifier && ATTRIBUTES.has(tok!.image);
}

/** The attribute a value at the end of `t` is compared with: the nearest one before it. */
function attrBefore(t: readonly IToken[], sym: SymbolSummary): AttrInfo | undefined {
  for (let i = t.length - 1; i >= 0; i--) {
    const tok = t[i]!;
    if (!isAttr(tok)) continue;
    if (tok.tokenType === FieldRef) {
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
