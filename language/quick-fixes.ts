// The fixes diagnostics name, as edits the editor and `sluice lsp` offer as quick fixes: a
// diagnostic's replacement (a did-you-mean name, a value re-quoted) replaces its span; for the
// fail-closed warnings (LANGUAGE.md §2) W_BLOCK_OPTIONAL adds the attribute to a `require` line
// (or `required` to the field), W_BASE_DEFAULT adds `base CUR`. Pure: the source and a diagnostic
// in, an edit out.
import type * as A from '../grammar/ast.js';
import { isSetting } from '../compiler/check-declarations.js';
import type { DiagnosticJSON } from '../grammar/diagnostics.js';
import { parse } from '../grammar/parse.js';
import { ATTRIBUTES } from '../runtime/attributes.js';

/** Text that replaces a range (1-based lines and columns, end exclusive; empty for an insertion). */
export interface TextEdit {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly text: string;
}

export interface QuickFix {
  readonly title: string;
  readonly edit: TextEdit;
}

const insertion = (line: number, column: number, text: string): TextEdit => ({ line, column, endLine: line, endColumn: column, text });

/** The fix for a diagnostic, or undefined when it has none. */
export function quickFix(source: string, d: DiagnosticJSON): QuickFix | undefined {
  if (d.replacement !== undefined) {
    return { title: `Change to ${d.replacement}`, edit: { line: d.line, column: d.column, endLine: d.endLine, endColumn: d.endColumn, text: d.replacement } };
  }
  if (d.code !== 'W_BLOCK_OPTIONAL' && d.code !== 'W_BASE_DEFAULT') return undefined;
  const file = parse(source).ast;
  const lines = source.split('\n');
  const word = (lines[d.line - 1] ?? '').slice(d.column - 1, d.endColumn - 1);
  if (d.code === 'W_BASE_DEFAULT') return baseFix(file, word);
  return word.startsWith('fields.') ? requiredFix(file, word.slice('fields.'.length)) : requireFix(file, word);
}

function requireFix(file: A.SchemeFile, attribute: string): QuickFix | undefined {
  const a = ATTRIBUTES.get(attribute);
  if (!a?.optional) return undefined;
  const name = a.from ?? attribute;
  const title = `Add \`require ${name}\``;
  const existing = file.statements.find((s): s is A.RequireStmt => s.kind === 'RequireStmt');
  if (existing) {
    const end = existing.span.end;
    return { title, edit: insertion(end.line, end.column, `, ${name}`) };
  }
  return { title, edit: afterSettings(file, `require ${name}`) };
}

function requiredFix(file: A.SchemeFile, field: string): QuickFix | undefined {
  const f = file.statements.find((s): s is A.FieldStmt => s.kind === 'FieldStmt' && s.name.name === field);
  if (!f || f.required) return undefined;
  // At the end of the declaration itself, before any comment on its line.
  return { title: `Make field ${field} required`, edit: insertion(f.span.end.line, f.span.end.column, ' required') };
}

function baseFix(file: A.SchemeFile, route: string): QuickFix | undefined {
  const r = file.statements.find((s): s is A.RouteStmt => s.kind === 'RouteStmt' && s.name.name === route);
  if (!r) return undefined;
  const currency = r.currency.code;
  return { title: `Add \`base ${currency}\``, edit: afterSettings(file, `base ${currency}`) };
}

/** A new line after the setting and require lines at the top of the file (the scheme line at least). */
function afterSettings(file: A.SchemeFile, text: string): TextEdit {
  let last = 0;
  for (const s of file.statements) {
    if (!isSetting(s) && s.kind !== 'RequireStmt') break;
    last = s.span.end.line;
  }
  return insertion(last + 1, 1, `${text}\n`);
}
