// What the language worker computes on every change: parse + check, as flat diagnostics (and the outline).
import { checkSource } from '../compiler/check.js';
import { diagnosticToJSON, type DiagnosticJSON } from '../grammar/diagnostics.js';
import { outline, type OutlineItem } from './outline.js';
import { summarize, type SymbolSummary } from './symbols.js';

export type { DiagnosticJSON };

export function diagnose(source: string): DiagnosticJSON[] {
  return checkSource(source).diagnostics.map(diagnosticToJSON);
}

export interface Analysis {
  readonly diagnostics: DiagnosticJSON[];
  readonly outline: OutlineItem[];
  readonly symbols: SymbolSummary;
}

/** Diagnostics, outline and the declarations for completion, from one parse + check. */
export function analyze(source: string): Analysis {
  const checked = checkSource(source);
  return { diagnostics: checked.diagnostics.map(diagnosticToJSON), outline: outline(checked.ast, source), symbols: summarize(checked.ast) };
}

/** "2 errors, 1 warning" for the status bar. */
export function countText(diagnostics: readonly DiagnosticJSON[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (diagnostics.length === 0) return 'no problems';
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return [errors && plural(errors, 'error'), warnings && plural(warnings, 'warning')].filter(Boolean).join(', ');
}
