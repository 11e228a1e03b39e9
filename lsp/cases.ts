// The workspace part of `sluice lsp`: a scheme with NAME.cases.json beside it gets a code lens
// that runs the cases against the open text (language/cases.ts, as `sluice test` does) and
// shows each failing case as a diagnostic on the line that decided it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, type CodeLens, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { readJson } from '../cli/io.js';
import { compile } from '../compiler/compile.js';
import { hasErrors } from '../grammar/diagnostics.js';
import { casePair, decidedAt, runCases } from '../language/cases.js';

export const RUN_CASES = 'sluice.runCases';
export const E_CASE_FAILED = 'E_CASE_FAILED';

/** The cases file beside a scheme document, when there is one. */
function casesFileOf(uri: string): string | undefined {
  if (!uri.startsWith('file:') || !uri.endsWith('.sluice')) return undefined;
  const path = fileURLToPath(casePair(uri).cases);
  return existsSync(path) ? path : undefined;
}

export function caseLenses(doc: TextDocument): CodeLens[] {
  const file = casesFileOf(doc.uri);
  if (!file) return [];
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return [{ range, command: { title: `Run cases (${file.split(/[\\/]/).pop()})`, command: RUN_CASES, arguments: [doc.uri] } }];
}

export interface CasesRun {
  readonly passed: number;
  readonly failed: number;
  readonly diagnostics: readonly Diagnostic[];
}

/** Runs the document's cases against its current text, or says why they cannot run. */
export function runDocumentCases(doc: TextDocument): CasesRun | string {
  const file = casesFileOf(doc.uri);
  if (!file) return `no cases file beside ${doc.uri}`;
  const { scheme, diagnostics: problems } = compile(doc.getText());
  if (hasErrors(problems) || !scheme) return 'the scheme has errors: fix them to run its cases';
  const json = readJson(file);
  if (!json.ok) return json.message;
  const outcomes = runCases(scheme, json.value);
  if (!outcomes) return `${file}: expected a list of cases`;
  const list = json.value as readonly unknown[];
  const diagnostics = outcomes.flatMap((o, i): Diagnostic[] => {
    if (o.problems.length === 0) return [];
    const line = (decidedAt(scheme, list[i]) ?? 1) - 1;
    const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
    const range = { start: { line, character: text.length - text.trimStart().length }, end: { line, character: text.length } };
    return [{ range, severity: DiagnosticSeverity.Error, code: E_CASE_FAILED, source: 'sluice test', message: `case "${o.name}" fails: ${o.problems.join('; ')}` }];
  });
  return { passed: outcomes.length - diagnostics.length, failed: diagnostics.length, diagnostics };
}
