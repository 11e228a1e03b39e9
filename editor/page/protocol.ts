// Messages between the page and the language worker.
import type { DiagnosticJSON } from '../../language/diagnose.js';
import type { OutlineItem } from '../../language/outline.js';
import type { SymbolSummary } from '../../language/symbols.js';

export interface CheckRequest {
  /** The model's version id, so stale answers are dropped. */
  readonly version: number;
  readonly source: string;
}

export interface CheckResponse {
  readonly version: number;
  readonly diagnostics: readonly DiagnosticJSON[];
  readonly outline: readonly OutlineItem[];
  /** The declarations completion offers (routes, fields, services). */
  readonly symbols: SymbolSummary;
  /** How long parse + check took, in milliseconds. */
  readonly ms: number;
}
