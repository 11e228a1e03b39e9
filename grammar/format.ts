// The canonical layout of a Sluice scheme (LANGUAGE.md §7), for `sluice fmt` and the editor.
import type { Comment, SchemeFile } from './ast.js';
import { hasErrors, type Diagnostic } from './diagnostics.js';
import { render } from './format-comments.js';
import { layoutStatements } from './format-layout.js';
import { parse } from './parse.js';

export type FormatResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Formats a source; refuses one with syntax errors, since a partial AST would lose text. */
export function format(source: string): FormatResult {
  const { ast, comments, diagnostics } = parse(source);
  if (hasErrors(diagnostics)) return { ok: false, diagnostics };
  return { ok: true, text: formatFile(ast, comments, source) };
}

/**
 * Prints an AST with its comments. `source`, when given, is the text the AST was parsed
 * from: its blank lines between statements are kept (at most one in a row).
 */
export function formatFile(file: SchemeFile, comments: readonly Comment[], source?: string): string {
  return render(layoutStatements(file.statements), comments, source);
}
