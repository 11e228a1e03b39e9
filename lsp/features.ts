// The LSP requests a scheme's text answers by itself: each reads a document and the request's
// position and calls the language services (language/), converting their values.
import {
  CodeActionKind,
  ErrorCodes,
  InsertTextFormat,
  ResponseError,
  SemanticTokensBuilder,
  type CodeAction,
  type CompletionItem,
  type Diagnostic,
  type DocumentSymbol,
  type Hover,
  type Location,
  type Position,
  type Range,
  type SemanticTokens,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { format } from '../grammar/format.js';
import { parse } from '../grammar/parse.js';
import { completionsAt } from '../language/completion.js';
import type { DiagnosticJSON } from '../language/diagnose.js';
import { hoverAt } from '../language/hover.js';
import { outline } from '../language/outline.js';
import { quickFix } from '../language/quick-fixes.js';
import { occurrenceAt, occurrences, rename, sameName } from '../language/references.js';
import { classifyLine } from '../language/tokens.js';
import { COMPLETION_KIND, semanticType, toDiagnostic, toRange, toSymbol, toTextEdit } from './convert.js';

/** 1-based line and column of an LSP position. */
const at = (p: Position) => [p.line + 1, p.character + 1] as const;

export function completion(doc: TextDocument, p: Position): CompletionItem[] {
  const { from, items } = completionsAt(doc.getText(), ...at(p));
  const range: Range = { start: { line: p.line, character: from - 1 }, end: p };
  return items.map((c, i) => ({
    label: c.label,
    kind: COMPLETION_KIND[c.kind],
    ...(c.detail ? { detail: c.detail } : {}),
    ...(c.documentation ? { documentation: { kind: 'markdown', value: c.documentation } } : {}),
    ...(c.snippet ? { insertTextFormat: InsertTextFormat.Snippet } : {}),
    textEdit: { range, newText: c.insertText ?? c.label },
    sortText: String(i).padStart(4, '0'),
  }));
}

export function hover(doc: TextDocument, p: Position): Hover | null {
  const h = hoverAt(doc.getText(), ...at(p));
  return h ? { contents: { kind: 'markdown', value: h.contents }, range: toRange(h.range) } : null;
}

export function documentSymbols(doc: TextDocument): DocumentSymbol[] {
  const source = doc.getText();
  return outline(parse(source).ast, source).map(toSymbol);
}

/** The whole document in the canonical layout (a range is formatted as the whole: layout is not local). */
export function formatting(doc: TextDocument): TextEdit[] {
  const source = doc.getText();
  const result = format(source);
  if (!result.ok) {
    const first = result.diagnostics[0];
    const where = first ? `: line ${first.span.start.line}: ${first.message}` : '';
    throw new ResponseError(ErrorCodes.InvalidRequest, `cannot format a scheme with syntax errors${where}`);
  }
  if (result.text === source) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(source.length) }, newText: result.text }];
}

function occurrencesOf(doc: TextDocument, p: Position) {
  const all = occurrences(parse(doc.getText()).ast);
  const o = occurrenceAt(all, ...at(p));
  return o ? sameName(all, o) : [];
}

export function definition(doc: TextDocument, p: Position): Location[] {
  return occurrencesOf(doc, p)
    .filter((o) => o.declaration)
    .slice(0, 1)
    .map((o) => ({ uri: doc.uri, range: toRange(o.range) }));
}

export function references(doc: TextDocument, p: Position, includeDeclaration: boolean): Location[] {
  return occurrencesOf(doc, p)
    .filter((o) => includeDeclaration || !o.declaration)
    .map((o) => ({ uri: doc.uri, range: toRange(o.range) }));
}

/** The name a rename would change, or an error saying why there is none there. */
export function prepareRename(doc: TextDocument, p: Position): Range {
  const o = occurrenceAt(occurrences(parse(doc.getText()).ast), ...at(p));
  if (!o) throw new ResponseError(ErrorCodes.InvalidRequest, 'only a route, field, block or service name can be renamed');
  return toRange(o.range);
}

export function renameEdit(doc: TextDocument, p: Position, newName: string): WorkspaceEdit {
  const r = rename(parse(doc.getText()).ast, ...at(p), newName);
  if (!r.ok) throw new ResponseError(ErrorCodes.InvalidRequest, r.message);
  return { changes: { [doc.uri]: r.ranges.map((range) => ({ range: toRange(range), newText: newName })) } };
}

const overlaps = (a: Range, b: Range) =>
  !(a.end.line < b.start.line || (a.end.line === b.start.line && a.end.character < b.start.character)) &&
  !(b.end.line < a.start.line || (b.end.line === a.start.line && b.end.character < a.start.character));

/** A quick fix for each of the document's diagnostics in `range` that has one. */
export function codeActions(doc: TextDocument, diagnostics: readonly DiagnosticJSON[], range: Range): CodeAction[] {
  return diagnostics.flatMap((d) => {
    const diagnostic: Diagnostic = toDiagnostic(d);
    const fix = overlaps(diagnostic.range, range) ? quickFix(doc.getText(), d) : undefined;
    if (!fix) return [];
    const edit: WorkspaceEdit = { changes: { [doc.uri]: [toTextEdit(fix.edit)] } };
    return [{ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit }];
  });
}

/** The lexer's classes of every line (no token spans lines). */
export function semanticTokens(doc: TextDocument): SemanticTokens {
  const builder = new SemanticTokensBuilder();
  doc
    .getText()
    .split(/\r?\n/)
    .forEach((line, i) => {
      for (const t of classifyLine(line)) {
        const type = semanticType(t.cls);
        if (type !== undefined) builder.push(i, t.start, t.length, type, 0);
      }
    });
  return builder.build();
}
