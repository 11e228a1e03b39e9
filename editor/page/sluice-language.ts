// Registers the Sluice language with Monaco: highlighting from the grammar's lexer, completion,
// hover, Format Document (the project's formatter), the outline, and diagnostics computed in
// the language worker. The logic lives in language/ (pure, unit-tested); this file
// only adapts it to Monaco's types.
import { format } from '../../grammar/format.js';
import { parse } from '../../grammar/parse.js';
import { completionsAt, type CompletionKind } from '../../language/completion.js';
import { LANGUAGE_CONFIGURATION } from '../../language/configuration.js';
import type { DiagnosticJSON } from '../../language/diagnose.js';
import { hoverAt } from '../../language/hover.js';
import { quickFix } from '../../language/quick-fixes.js';
import { outline, type OutlineItem, type OutlineKind, type Range as LRange } from '../../language/outline.js';
import { classifyLine } from '../../language/tokens.js';
import * as monaco from './monaco.js';
import type { SymbolSummary } from '../../language/symbols.js';
import type { CheckRequest, CheckResponse } from './protocol.js';

export const LANGUAGE_ID = 'sluice';

const state: monaco.languages.IState = { clone: () => state, equals: () => true };

const COMPLETION_KIND: Record<CompletionKind, monaco.languages.CompletionItemKind> = {
  keyword: monaco.languages.CompletionItemKind.Keyword,
  attribute: monaco.languages.CompletionItemKind.Property,
  field: monaco.languages.CompletionItemKind.Field,
  value: monaco.languages.CompletionItemKind.EnumMember,
  route: monaco.languages.CompletionItemKind.Reference,
  strategy: monaco.languages.CompletionItemKind.Function,
  currency: monaco.languages.CompletionItemKind.Unit,
  country: monaco.languages.CompletionItemKind.Constant,
  operator: monaco.languages.CompletionItemKind.Operator,
  service: monaco.languages.CompletionItemKind.Module,
  snippet: monaco.languages.CompletionItemKind.Snippet,
};

const SYMBOL_KIND: Record<OutlineKind, monaco.languages.SymbolKind> = {
  scheme: monaco.languages.SymbolKind.Module,
  field: monaco.languages.SymbolKind.Field,
  route: monaco.languages.SymbolKind.Struct,
  block: monaco.languages.SymbolKind.Event,
  service: monaco.languages.SymbolKind.Class,
  branch: monaco.languages.SymbolKind.Boolean,
  strategy: monaco.languages.SymbolKind.Method,
  cascade: monaco.languages.SymbolKind.Array,
  reject: monaco.languages.SymbolKind.Null,
};

const toRange = (r: LRange): monaco.IRange => ({ startLineNumber: r.startLine, startColumn: r.startColumn, endLineNumber: r.endLine, endColumn: r.endColumn });

function symbol(i: OutlineItem): monaco.languages.DocumentSymbol {
  return {
    name: i.name,
    detail: i.detail,
    kind: SYMBOL_KIND[i.kind],
    tags: [],
    range: toRange(i.range),
    selectionRange: toRange(i.selection),
    children: i.children.map(symbol),
  };
}

/** The declarations of the latest check, per model: completion reads them instead of parsing. */
const latestSymbols = new WeakMap<monaco.editor.ITextModel, SymbolSummary>();
/** The diagnostics of the latest check, per model, for the quick fixes. */
const latestDiagnostics = new WeakMap<monaco.editor.ITextModel, readonly DiagnosticJSON[]>();

export function registerSluice(): void {
  monaco.languages.register({ id: LANGUAGE_ID, extensions: ['.sluice'], aliases: ['Sluice'] });
  const c = LANGUAGE_CONFIGURATION;
  const { increaseIndentPattern, decreaseIndentPattern } = c.indentationRules;
  monaco.languages.setLanguageConfiguration(LANGUAGE_ID, {
    ...c,
    wordPattern: new RegExp(c.wordPattern),
    indentationRules: { increaseIndentPattern: new RegExp(increaseIndentPattern), decreaseIndentPattern: new RegExp(decreaseIndentPattern) },
  });
  monaco.languages.setTokensProvider(LANGUAGE_ID, {
    getInitialState: () => state,
    tokenize: (line) => ({
      tokens: classifyLine(line).map((t) => ({ startIndex: t.start, scopes: t.cls })),
      endState: state,
    }),
  });
  monaco.languages.registerCompletionItemProvider(LANGUAGE_ID, {
    triggerCharacters: [' ', '.', '"', '[', ','],
    provideCompletionItems(model, position) {
      const { from, items } = completionsAt(model.getValue(), position.lineNumber, position.column, latestSymbols.get(model));
      const range = new monaco.Range(position.lineNumber, from, position.lineNumber, position.column);
      return {
        suggestions: items.map((c, i) => ({
          label: c.label,
          kind: COMPLETION_KIND[c.kind],
          insertText: c.insertText ?? c.label,
          ...(c.snippet ? { insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet } : {}),
          ...(c.detail ? { detail: c.detail } : {}),
          ...(c.documentation ? { documentation: { value: c.documentation } } : {}),
          sortText: String(i).padStart(4, '0'),
          range,
        })),
      };
    },
  });
  monaco.languages.registerHoverProvider(LANGUAGE_ID, {
    provideHover(model, position) {
      const h = hoverAt(model.getValue(), position.lineNumber, position.column);
      return h && { contents: [{ value: h.contents }], range: toRange(h.range) };
    },
  });
  monaco.languages.registerCodeActionProvider(LANGUAGE_ID, {
    provideCodeActions(model, _range, context) {
      const actions = context.markers.flatMap((m) => {
        const d = diagnosticOf(model, m);
        const fix = d && quickFix(model.getValue(), d);
        if (!fix) return [];
        const { line, column, endLine, endColumn, text } = fix.edit;
        const edit = { resource: model.uri, versionId: model.getVersionId(), textEdit: { range: new monaco.Range(line, column, endLine, endColumn), text } };
        return [{ title: fix.title, kind: 'quickfix', diagnostics: [m], isPreferred: true, edit: { edits: [edit] } }];
      });
      return { actions, dispose: () => undefined };
    },
  });
  monaco.languages.registerDocumentFormattingEditProvider(LANGUAGE_ID, {
    displayName: 'Sluice (sluice fmt)',
    provideDocumentFormattingEdits(model) {
      const result = format(model.getValue());
      if (!result.ok) return [];
      return [{ range: model.getFullModelRange(), text: result.text }];
    },
  });
  monaco.languages.registerDocumentSymbolProvider(LANGUAGE_ID, {
    displayName: 'Sluice outline',
    provideDocumentSymbols(model) {
      const source = model.getValue();
      return outline(parse(source).ast, source).map(symbol);
    },
  });
}

/** Colors for the grammar's token classes (tokens.ts), in a dark and a light theme. */
export function defineThemes(): void {
  const rules = (dark: boolean): monaco.editor.ITokenThemeRule[] => [
    { token: 'keyword', foreground: dark ? 'c792ea' : '7c3aed' },
    { token: 'strategy', foreground: dark ? '82aaff' : '1d4ed8', fontStyle: 'bold' },
    { token: 'number', foreground: dark ? 'f78c6c' : 'b45309' },
    { token: 'string', foreground: dark ? 'c3e88d' : '15803d' },
    { token: 'code', foreground: dark ? 'ffcb6b' : 'a16207' },
    { token: 'field', foreground: dark ? '89ddff' : '0e7490' },
    { token: 'comment', foreground: dark ? '6b7280' : '9ca3af', fontStyle: 'italic' },
    { token: 'identifier', foreground: dark ? 'e5e7eb' : '1f2937' },
    { token: 'operator', foreground: dark ? '89ddff' : '0369a1' },
    { token: 'delimiter', foreground: dark ? '9ca3af' : '6b7280' },
    { token: 'invalid', foreground: 'ef4444', fontStyle: 'underline' },
  ];
  monaco.editor.defineTheme('sluice-dark', { base: 'vs-dark', inherit: true, rules: rules(true), colors: { 'editor.background': '#111827' } });
  monaco.editor.defineTheme('sluice-light', { base: 'vs', inherit: true, rules: rules(false), colors: { 'editor.background': '#ffffff' } });
}

export function toMarker(d: DiagnosticJSON): monaco.editor.IMarkerData {
  return {
    severity: d.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
    message: d.message,
    code: d.code,
    source: 'sluice',
    startLineNumber: d.line,
    startColumn: d.column,
    endLineNumber: d.endLine,
    // Zero-width diagnostics (a missing token) still get a visible squiggle.
    endColumn: d.endLine === d.line && d.endColumn <= d.column ? d.column + 1 : d.endColumn,
  };
}

/** The diagnostic a marker was made from (toMarker), for the quick fixes: a marker has no room for its replacement. */
function diagnosticOf(model: monaco.editor.ITextModel, m: monaco.editor.IMarkerData): DiagnosticJSON | undefined {
  const code = typeof m.code === 'string' ? m.code : m.code?.value;
  return latestDiagnostics.get(model)?.find((d) => d.code === code && d.line === m.startLineNumber && d.column === m.startColumn && d.message === m.message);
}

/**
 * Checks the model in the language worker on every change and sets its markers; calls
 * `onDiagnostics` with each fresh result (diagnostics and outline).
 */
export function attachDiagnostics(model: monaco.editor.ITextModel, onDiagnostics: (r: CheckResponse) => void): void {
  const worker = new Worker(new URL('./sluice.worker.js', import.meta.url), { type: 'module', name: 'sluice' });
  worker.onmessage = (e: MessageEvent<CheckResponse>) => {
    if (e.data.version !== model.getVersionId()) return;
    monaco.editor.setModelMarkers(model, LANGUAGE_ID, e.data.diagnostics.map(toMarker));
    latestSymbols.set(model, e.data.symbols);
    latestDiagnostics.set(model, e.data.diagnostics);
    onDiagnostics(e.data);
  };
  const post = () => {
    const req: CheckRequest = { version: model.getVersionId(), source: model.getValue() };
    worker.postMessage(req);
  };
  model.onDidChangeContent(post);
  post();
}
