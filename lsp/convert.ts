// The language services' values (language/, 1-based lines and columns, end exclusive) as LSP
// values (0-based lines, UTF-16 character offsets, as JavaScript strings index them).
import {
  CompletionItemKind,
  DiagnosticSeverity,
  SymbolKind,
  type Diagnostic,
  type DocumentSymbol,
  type Range,
  type TextEdit,
} from 'vscode-languageserver/node';
import type { CompletionKind } from '../language/completion.js';
import type { DiagnosticJSON } from '../language/diagnose.js';
import type { OutlineItem, OutlineKind, Range as LRange } from '../language/outline.js';
import type { TextEdit as LEdit } from '../language/quick-fixes.js';
import type { TokenClass } from '../language/tokens.js';

export const SOURCE = 'sluice';

export function toRange(r: LRange): Range {
  return { start: { line: r.startLine - 1, character: r.startColumn - 1 }, end: { line: r.endLine - 1, character: r.endColumn - 1 } };
}

export function toDiagnostic(d: DiagnosticJSON): Diagnostic {
  return {
    range: toRange({ startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn }),
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    source: SOURCE,
    message: d.message,
  };
}

export function toTextEdit(e: LEdit): TextEdit {
  return { range: toRange({ startLine: e.line, startColumn: e.column, endLine: e.endLine, endColumn: e.endColumn }), newText: e.text };
}

const SYMBOL_KIND: Readonly<Record<OutlineKind, SymbolKind>> = {
  scheme: SymbolKind.Module,
  field: SymbolKind.Field,
  route: SymbolKind.Struct,
  block: SymbolKind.Event,
  service: SymbolKind.Class,
  branch: SymbolKind.Boolean,
  strategy: SymbolKind.Method,
  cascade: SymbolKind.Array,
  reject: SymbolKind.Null,
};

export function toSymbol(i: OutlineItem): DocumentSymbol {
  return {
    name: i.name,
    ...(i.detail ? { detail: i.detail } : {}),
    kind: SYMBOL_KIND[i.kind],
    range: toRange(i.range),
    selectionRange: toRange(i.selection),
    children: i.children.map(toSymbol),
  };
}

export const COMPLETION_KIND: Readonly<Record<CompletionKind, CompletionItemKind>> = {
  keyword: CompletionItemKind.Keyword,
  attribute: CompletionItemKind.Property,
  field: CompletionItemKind.Field,
  value: CompletionItemKind.EnumMember,
  route: CompletionItemKind.Reference,
  strategy: CompletionItemKind.Function,
  currency: CompletionItemKind.Unit,
  country: CompletionItemKind.Constant,
  operator: CompletionItemKind.Operator,
  service: CompletionItemKind.Module,
  snippet: CompletionItemKind.Snippet,
};

/** The highlighting classes (language/tokens.ts) as LSP's standard semantic token types; delimiters and unreadable characters get none. */
const SEMANTIC_TYPE: Readonly<Record<Exclude<TokenClass, 'delimiter' | 'invalid'>, string>> = {
  keyword: 'keyword',
  strategy: 'function',
  number: 'number',
  string: 'string',
  code: 'enumMember',
  field: 'property',
  comment: 'comment',
  identifier: 'variable',
  operator: 'operator',
};

export const SEMANTIC_LEGEND = { tokenTypes: [...new Set(Object.values(SEMANTIC_TYPE))], tokenModifiers: [] as string[] };

/** The legend index of a class's token type, or undefined for a class without one. */
export function semanticType(cls: TokenClass): number | undefined {
  if (cls === 'delimiter' || cls === 'invalid') return undefined;
  return SEMANTIC_LEGEND.tokenTypes.indexOf(SEMANTIC_TYPE[cls]);
}
