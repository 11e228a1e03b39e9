// What the language worker computes on every change: parse + check, as flat diagnostics.
import { checkSource } from '../../compiler/check.js';
import { diagnosticToJSON, type DiagnosticJSON } from '../../grammar/diagnostics.js';

export type { DiagnosticJSON };

export function diagnose(source: string): DiagnosticJSON[] {
  return checkSource(source).diagnostics.map(diagnosticToJSON);
}

/** "2 errors, 1 warning" for the status bar. */
export function countText(diagnostics: readonly DiagnosticJSON[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (diagnostics.length === 0) return 'no problems';
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return [errors && plural(errors, 'error'), warnings && plural(warnings, 'warning')].filter(Boolean).join(', ');
}
