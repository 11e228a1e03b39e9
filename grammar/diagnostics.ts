// Diagnostics are values: every problem found in a source has a code, a severity and a span.
import type { Span } from './ast.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** Stable code, e.g. `E_UNKNOWN_ROUTE`; tests and tools key on it. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  /** The text that replaces `span` to fix the problem, when the checker knows it (a did-you-mean name). */
  readonly replacement?: string;
}

/** The flat form used by the CLI, the HTTP API and the editor (1-based, end exclusive). */
export interface DiagnosticJSON {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly replacement?: string;
}

export function diagnosticToJSON(d: Diagnostic): DiagnosticJSON {
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    line: d.span.start.line,
    column: d.span.start.column,
    endLine: d.span.end.line,
    endColumn: d.span.end.column,
    ...(d.replacement === undefined ? {} : { replacement: d.replacement }),
  };
}

export function error(code: string, message: string, span: Span, replacement?: string): Diagnostic {
  return replacement === undefined ? { code, severity: 'error', message, span } : { code, severity: 'error', message, span, replacement };
}

export function warning(code: string, message: string, span: Span): Diagnostic {
  return { code, severity: 'warning', message, span };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Source order, errors before warnings on the same position. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.span.start.offset - b.span.start.offset ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
  );
}
