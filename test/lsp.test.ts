// `sluice lsp --stdio` as an editor runs it: a child process spoken to in JSON-RPC over its
// standard input and output (vscode-jsonrpc's framing, as VS Code's client uses).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as L from 'vscode-languageserver/node';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { format } from '../grammar/format.js';

const src = (...lines: string[]) => `${lines.join('\n')}\n`;

/** A clean scheme (no errors, no warnings) but for what a test breaks in it. */
const SCHEME = src(
  'scheme demo',
  'base EUR',
  'field kyc_level int required',
  'route acme_eur EUR fee 1.00',
  'route bankco_eur EUR fee 0.5%',
  '',
  'block unverified when fields.kyc_level < 2',
  '',
  'service sepa_eur {',
  '  when amount > 100 EUR {',
  '    cost acme_eur, bankco_eur',
  '  } else {',
  '    optimal bankco_eur, acme_eur',
  '  }',
  '}',
);

let child: ChildProcess;
let rpc: L.MessageConnection;
let stderr = '';
const published: L.PublishDiagnosticsParams[] = [];
const waiting: { uri: string; test: (d: L.Diagnostic[]) => boolean; resolve: (d: L.Diagnostic[]) => void }[] = [];
let version = 0;
let init: { capabilities: Record<string, unknown> };

/** The next diagnostics published for `uri` that pass `test` (or the latest, if already there). */
function diagnostics(uri: string, test: (d: L.Diagnostic[]) => boolean = () => true): Promise<L.Diagnostic[]> {
  const latest = published.filter((p) => p.uri === uri).at(-1);
  if (latest && latest.version === version && test(latest.diagnostics)) return Promise.resolve(latest.diagnostics);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri}; last: ${JSON.stringify(latest)}\n${stderr}`)), 10_000);
    waiting.push({ uri, test, resolve: (d) => (clearTimeout(timer), resolve(d)) });
  });
}

function open(uri: string, text: string): void {
  version++;
  void rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sluice', version, text } });
}

function change(uri: string, text: string): void {
  version++;
  void rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
}

function request<R>(method: string, params: object): Promise<R> {
  return rpc.sendRequest(method, params) as Promise<R>;
}

/** Applies text edits (given in any order, not overlapping) to a text. */
function apply(text: string, edits: readonly L.TextEdit[]): string {
  const offset = (p: { line: number; character: number }) => text.split('\n').slice(0, p.line).join('\n').length + (p.line ? 1 : 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  return sorted.reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

const pos = (line: number, character: number) => ({ line, character });
const range = (l1: number, c1: number, l2: number, c2: number): L.Range => ({ start: pos(l1, c1), end: pos(l2, c2) });

const dir = mkdtempSync(join(tmpdir(), 'sluice-lsp-'));
const uriOf = (name: string) => pathToFileURL(join(dir, name)).href;

beforeAll(async () => {
  child = spawn(process.execPath, ['bin/sluice.mjs', 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  rpc = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  rpc.onNotification('textDocument/publishDiagnostics', (p: L.PublishDiagnosticsParams) => {
    published.push(p);
    for (const w of [...waiting]) {
      if (w.uri === p.uri && p.version === version && w.test(p.diagnostics)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(p.diagnostics);
      }
    }
  });
  rpc.onNotification('window/showMessage', () => undefined);
  rpc.listen();
  init = await request<{ capabilities: Record<string, unknown> }>('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {} });
  expect(Object.keys(init.capabilities)).toEqual(
    expect.arrayContaining(['completionProvider', 'hoverProvider', 'documentFormattingProvider', 'definitionProvider', 'referencesProvider', 'renameProvider', 'codeActionProvider', 'semanticTokensProvider', 'codeLensProvider']),
  );
  void rpc.sendNotification('initialized', {});
});

afterAll(async () => {
  if (child.exitCode !== null) return;
  await request('shutdown', {});
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  void rpc.sendNotification('exit');
  expect(await exited).toBe(0);
  rpc.dispose();
});

describe('sluice lsp --stdio', () => {
  it('publishes a diagnostic at the error, with its code, and clears it once the text is fixed', async () => {
    const uri = uriOf('broken.sluice');
    open(uri, SCHEME.replace('cost acme_eur,', 'cost acme_eru,'));
    const [d, ...rest] = await diagnostics(uri, (ds) => ds.length > 0);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'E_UNKNOWN_ROUTE', severity: 1, source: 'sluice', range: range(10, 9, 10, 17) });
    expect(d!.message).toMatch(/did you mean acme_eur\?/);
    change(uri, SCHEME);
    expect(await diagnostics(uri, (ds) => ds.length === 0)).toEqual([]);
  });

  /** Opens `text` and asks for the code actions at its `code` diagnostic: their titles, and the text with the first applied. */
  async function fixOf(name: string, text: string, code: string) {
    const uri = uriOf(name);
    open(uri, text);
    const d = (await diagnostics(uri, (ds) => ds.length > 0)).find((x) => x.code === code);
    const actions = await request<L.CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d!.range, context: { diagnostics: [d] } });
    return { uri, d: d!, titles: actions.map((a) => a.title), fixed: apply(text, (actions[0]!.edit as L.WorkspaceEdit).changes![uri]!) };
  }

  it('applies the did-you-mean code action, after which the check is clean', async () => {
    const fix = await fixOf('typo.sluice', SCHEME.replace('when fields.kyc_level', 'when fields.kyc_levl'), 'E_UNKNOWN_FIELD');
    expect(fix.d.range).toEqual(range(6, 22, 6, 37));
    expect(fix.titles).toEqual(['Change to fields.kyc_level']);
    expect(fix.fixed).toBe(SCHEME);
    change(fix.uri, fix.fixed);
    expect(await diagnostics(fix.uri, (ds) => ds.length === 0)).toEqual([]);
  });

  it('offers the require fix for a block on an optional attribute', async () => {
    const fix = await fixOf('require.sluice', SCHEME.replace('block unverified when fields.kyc_level < 2', 'block sanctions when country = KP'), 'W_BLOCK_OPTIONAL');
    expect(fix.titles).toEqual(['Add `require country`']);
    expect(fix.fixed).toContain('base EUR\nrequire country\n');
  });

  it('completes fields after `fields.`', async () => {
    const uri = uriOf('complete.sluice');
    const text = SCHEME.replace('block unverified when fields.kyc_level < 2', 'block unverified when fields.');
    open(uri, text);
    const items = await request<L.CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: pos(6, 29) });
    expect(items.map((i) => i.label)).toEqual(['fields.kyc_level']);
    expect(items[0]!.textEdit).toEqual({ range: range(6, 22, 6, 29), newText: 'fields.kyc_level' });
  });

  it('goes to a route’s definition and finds its references', async () => {
    const uri = uriOf('nav.sluice');
    open(uri, SCHEME);
    const def = await request<L.Location[]>('textDocument/definition', { textDocument: { uri }, position: pos(12, 26) });
    expect(def).toEqual([{ uri, range: range(3, 6, 3, 14) }]);
    const refs = await request<L.Location[]>('textDocument/references', { textDocument: { uri }, position: pos(3, 8), context: { includeDeclaration: false } });
    expect(refs.map((l) => l.range)).toEqual([range(10, 9, 10, 17), range(12, 24, 12, 32)]);
    const field = await request<L.Location[]>('textDocument/definition', { textDocument: { uri }, position: pos(6, 32) });
    expect(field).toEqual([{ uri, range: range(2, 6, 2, 15) }]);
  });

  it('renames a route everywhere, and refuses a clash or a keyword', async () => {
    const uri = uriOf('rename.sluice');
    open(uri, SCHEME);
    const edit = await request<L.WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: pos(10, 10), newName: 'acme_main' });
    const renamed = apply(SCHEME, edit.changes![uri]!);
    expect(renamed).toBe(SCHEME.replaceAll('acme_eur', 'acme_main'));
    await expect(request('textDocument/rename', { textDocument: { uri }, position: pos(10, 10), newName: 'bankco_eur' })).rejects.toThrow(/already a route bankco_eur, on line 5/);
    await expect(request('textDocument/rename', { textDocument: { uri }, position: pos(10, 10), newName: 'cost' })).rejects.toThrow(/keyword/);
    await expect(request('textDocument/prepareRename', { textDocument: { uri }, position: pos(9, 3) })).rejects.toThrow(/can be renamed/);
  });

  it('formats to the canonical text, and refuses a scheme with syntax errors', async () => {
    const uri = uriOf('format.sluice');
    const messy = SCHEME.replace('route acme_eur EUR fee 1.00', 'route   acme_eur  EUR   fee 1.00').replace('    optimal', '        optimal');
    open(uri, messy);
    const edits = await request<L.TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    const canonical = format(messy);
    expect(canonical.ok && apply(messy, edits)).toBe(SCHEME);
    const ranged = await request<L.TextEdit[]>('textDocument/rangeFormatting', { textDocument: { uri }, range: range(3, 0, 3, 5), options: { tabSize: 2, insertSpaces: true } });
    expect(ranged).toEqual(edits);
    change(uri, 'scheme x\nroute a EUR fee\n');
    await expect(request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })).rejects.toThrow(/syntax errors: line 2/);
  });

  it('answers hover, the outline and semantic tokens from the same analysis as the editor', async () => {
    const uri = uriOf('misc.sluice');
    open(uri, SCHEME);
    const hover = await request<L.Hover>('textDocument/hover', { textDocument: { uri }, position: pos(10, 5) });
    expect(hover.contents).toMatchObject({ kind: 'markdown', value: expect.stringMatching(/^\*\*cost\*\* — strategy/) });
    const symbols = await request<L.DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    expect(symbols.map((s) => s.name)).toEqual(['demo', 'kyc_level', 'acme_eur', 'bankco_eur', 'unverified', 'sepa_eur']);
    expect(symbols.at(-1)!.children!.map((c) => c.name)).toEqual(['when amount > 100 EUR', 'else']);
    const tokens = await request<L.SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
    // scheme (keyword, the legend's first type) at 0:0, then demo (variable) 7 characters on.
    const legend = (init.capabilities['semanticTokensProvider'] as { legend: { tokenTypes: string[] } }).legend.tokenTypes;
    expect(tokens.data.slice(0, 10)).toEqual([0, 0, 6, legend.indexOf('keyword'), 0, 0, 7, 4, legend.indexOf('variable'), 0]);
  });

  it('answers requests on a document that is not open with nothing', async () => {
    const textDocument = { uri: uriOf('never-opened.sluice') };
    expect(await request('textDocument/completion', { textDocument, position: pos(0, 0) })).toEqual([]);
    expect(await request('textDocument/hover', { textDocument, position: pos(0, 0) })).toBeNull();
    expect(await request('textDocument/definition', { textDocument, position: pos(0, 0) })).toEqual([]);
  });

  it('runs NAME.cases.json from a code lens and shows a failing case at the line that decided it', async () => {
    const cases = [
      { name: 'big goes to acme', request: { amount: '500.00', currency: 'EUR', service: 'sepa_eur', fields: { kyc_level: 3 } }, expect: { status: 'routed', route: 'acme_eur' } },
      { name: 'small goes to acme too', request: { amount: '5.00', currency: 'EUR', service: 'sepa_eur', fields: { kyc_level: 3 } }, expect: { route: 'acme_eur' } },
    ];
    writeFileSync(join(dir, 'payouts.sluice'), SCHEME);
    writeFileSync(join(dir, 'payouts.cases.json'), JSON.stringify(cases));
    const uri = uriOf('payouts.sluice');
    open(uri, SCHEME);
    await diagnostics(uri, (ds) => ds.length === 0);
    const lenses = await request<{ command: { title: string; command: string; arguments: unknown[] } }[]>('textDocument/codeLens', { textDocument: { uri } });
    expect(lenses.map((l) => l.command.title)).toEqual(['Run cases (payouts.cases.json)']);
    const run = await request('workspace/executeCommand', { command: lenses[0]!.command.command, arguments: lenses[0]!.command.arguments });
    expect(run).toEqual({ passed: 1, failed: 1 });
    const [failure, ...others] = await diagnostics(uri, (ds) => ds.length > 0);
    expect(others).toEqual([]);
    expect(failure).toMatchObject({ code: 'E_CASE_FAILED', range: range(12, 4, 12, 32) });
    expect(failure!.message).toBe('case "small goes to acme too" fails: /route: expected "acme_eur", got "bankco_eur"');
    expect(await request('textDocument/codeLens', { textDocument: { uri: uriOf('broken.sluice') } })).toEqual([]);
  });
});

it('sluice lsp without --stdio is a usage error', () => {
  const r = spawnSync(process.execPath, ['bin/sluice.mjs', 'lsp'], { encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(r.stderr).toBe('sluice lsp: the only transport is --stdio\nusage: sluice lsp --stdio\n');
});
