// `FILE:LINE:COL: error|warning: MESSAGE [CODE]`, one line per diagnostic.
import type { Diagnostic } from '../grammar/diagnostics.js';
import type { Output } from './io.js';

export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.span.start.line}:${d.span.start.column}: ${d.severity}: ${d.message} [${d.code}]`;
}

export function printDiagnostics(file: string, diagnostics: readonly Diagnostic[], io: Output): void {
  for (const d of diagnostics) io.err(`${formatDiagnostic(file, d)}\n`);
}
