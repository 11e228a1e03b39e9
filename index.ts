// The library API: compile a scheme once, then decide requests against it.
import { compile, type CompiledScheme, type CompileResult } from './compiler/compile.js';
import type { ValidationError } from './compiler/schema.js';
import { decideWith } from './runtime/decide.js';
import { toRequest } from './runtime/request.js';
import { EMPTY_STATE, parseState } from './runtime/state.js';
import type { Decision } from './runtime/types.js';

export { compile, type CompiledScheme, type CompileResult };
export { format } from './grammar/format.js';
export { diagnosticToJSON, type Diagnostic, type DiagnosticJSON } from './grammar/diagnostics.js';
export type { Decision, ValidationError };

/** A request that fails the scheme's schema is never decided. */
export interface InvalidRequest {
  readonly status: 'invalid';
  readonly errors: readonly ValidationError[];
}

export interface DecideOptions {
  /** Include the trace (default true). */
  readonly trace?: boolean;
}

/** Decides one request (JSON as in DESIGN.md) against a compiled scheme and a state (JSON). */
export function decide(scheme: CompiledScheme, request: unknown, state?: unknown, options: DecideOptions = {}): Decision | InvalidRequest {
  const errors = scheme.validate(request);
  if (errors.length) return { status: 'invalid', errors };
  const parsed = state === undefined ? { state: EMPTY_STATE, errors: [] } : parseState(state);
  if (parsed.errors.length) return { status: 'invalid', errors: parsed.errors.map((message) => ({ path: '/state', message })) };
  const req = toRequest(request as Record<string, unknown>, scheme.fieldKinds);
  const trace = options.trace !== false;
  return decideWith(trace ? scheme.traced : scheme.program, req, parsed.state, { trace });
}
