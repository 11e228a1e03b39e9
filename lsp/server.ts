// `sluice lsp`: a Language Server Protocol server for schemes, on vscode-languageserver. The
// analysis is the editor's (language/); this file keeps the open documents, checks each a
// moment after it stops changing and answers the editor's requests.
import {
  createConnection,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { diagnose, type DiagnosticJSON } from '../language/diagnose.js';
import { caseLenses, RUN_CASES, runDocumentCases } from './cases.js';
import { SEMANTIC_LEGEND, toDiagnostic } from './convert.js';
import * as F from './features.js';

/** How long a document must stay unchanged before it is checked, in milliseconds. */
const CHECK_DELAY_MS = 150;

/** Per open document: the diagnostics of its latest check, and of its latest cases run. */
class Checks {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly latest = new Map<string, { readonly version: number; readonly diagnostics: readonly DiagnosticJSON[] }>();
  private readonly cases = new Map<string, readonly Diagnostic[]>();

  constructor(private readonly connection: Connection) {}

  /** A new text: its cases' results no longer apply; it is checked once it stays unchanged. */
  changed(doc: TextDocument): void {
    this.cases.delete(doc.uri);
    clearTimeout(this.timers.get(doc.uri));
    this.timers.set(doc.uri, setTimeout(() => this.check(doc), CHECK_DELAY_MS));
  }

  closed(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.latest.delete(uri);
    this.cases.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** The diagnostics of this version of the document (checked now if its check is still pending). */
  of(doc: TextDocument): readonly DiagnosticJSON[] {
    const latest = this.latest.get(doc.uri);
    return latest?.version === doc.version ? latest.diagnostics : diagnose(doc.getText());
  }

  casesRan(doc: TextDocument, diagnostics: readonly Diagnostic[]): void {
    this.cases.set(doc.uri, diagnostics);
    this.publish(doc);
  }

  private check(doc: TextDocument): void {
    this.timers.delete(doc.uri);
    try {
      this.latest.set(doc.uri, { version: doc.version, diagnostics: diagnose(doc.getText()) });
      this.publish(doc);
    } catch (e) {
      this.connection.console.error(`sluice lsp: checking ${doc.uri} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private publish(doc: TextDocument): void {
    const diagnostics = [...(this.latest.get(doc.uri)?.diagnostics ?? []).map(toDiagnostic), ...(this.cases.get(doc.uri) ?? [])];
    void this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
  }
}

/** Serves LSP over the two streams until the client sends `exit` (or closes `input`). */
export function serveLsp(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<number> {
  const connection = createConnection(input, output);
  const documents = new TextDocuments(TextDocument);
  const checks = new Checks(connection);
  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: [' ', '.', '"', '[', ','] },
      hoverProvider: true,
      documentSymbolProvider: true,
      documentFormattingProvider: true,
      documentRangeFormattingProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: true },
      codeLensProvider: { resolveProvider: false },
      executeCommandProvider: { commands: [RUN_CASES] },
    },
    serverInfo: { name: 'sluice' },
  }));
  documents.onDidChangeContent((e) => checks.changed(e.document));
  documents.onDidClose((e) => checks.closed(e.document.uri));
  // A request on a document that is not open is answered with `none`.
  const on =
    <P extends { readonly textDocument: { readonly uri: string } }, R>(none: R, answer: (d: TextDocument, p: P) => R) =>
    (p: P): R => {
      const d = documents.get(p.textDocument.uri);
      return d ? answer(d, p) : none;
    };
  connection.onCompletion(on([], (d, p) => F.completion(d, p.position)));
  connection.onHover(on(null, (d, p) => F.hover(d, p.position)));
  connection.onDocumentSymbol(on([], (d) => F.documentSymbols(d)));
  connection.onDocumentFormatting(on([], (d) => F.formatting(d)));
  connection.onDocumentRangeFormatting(on([], (d) => F.formatting(d)));
  connection.onDefinition(on([], (d, p) => F.definition(d, p.position)));
  connection.onReferences(on([], (d, p) => F.references(d, p.position, p.context.includeDeclaration)));
  connection.onPrepareRename(on(null, (d, p) => F.prepareRename(d, p.position)));
  connection.onRenameRequest(on(null, (d, p) => F.renameEdit(d, p.position, p.newName)));
  connection.onCodeAction(on([], (d, p) => F.codeActions(d, checks.of(d), p.range)));
  connection.languages.semanticTokens.on(on({ data: [] }, (d) => F.semanticTokens(d)));
  connection.onCodeLens(on([], (d) => caseLenses(d)));
  connection.onExecuteCommand((p) => runCasesCommand(connection, documents, checks, p.arguments?.[0]));
  documents.listen(connection);
  connection.listen();
  return new Promise((resolve) => connection.onExit(() => resolve(0)));
}

/** `sluice.runCases URI`: runs the cases, shows the failures and returns the counts. */
function runCasesCommand(connection: Connection, documents: TextDocuments<TextDocument>, checks: Checks, uri: unknown) {
  const doc = typeof uri === 'string' ? documents.get(uri) : undefined;
  const run = doc ? runDocumentCases(doc) : `${String(uri)} is not an open document`;
  if (typeof run === 'string') {
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message: `Sluice cases: ${run}` });
    return { error: run };
  }
  checks.casesRan(doc!, run.diagnostics);
  const message = `Sluice cases: ${run.passed} passed, ${run.failed} failed`;
  void connection.sendNotification(ShowMessageNotification.type, { type: run.failed ? MessageType.Warning : MessageType.Info, message });
  return { passed: run.passed, failed: run.failed };
}
