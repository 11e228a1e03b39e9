// The library API: compile a scheme once, then decide requests against it.
import { compile, type CompiledScheme, type CompileResult } from './compiler/compile.js';
import type { ValidationError } from './compiler/schema.js';
import { decideRequest, NO_OPTIONS, type DecideOptions, type InvalidRequest } from './runtime/decide-request.js';
import type { Decision } from './runtime/types.js';
import { expandTrace } from './runtime/trace.js';

export { compile, expandTrace, type CompiledScheme, type CompileResult };
export { format } from './grammar/format.js';
export { prepareState, type PreparedState } from './runtime/state.js';
export { diagnosticToJSON, type Diagnostic, type DiagnosticJSON } from './grammar/diagnostics.js';
export type { Decision, ValidationError, DecideOptions, InvalidRequest };

/**
 * Decides one request (JSON as in DESIGN.md) against a compiled scheme and a state: JSON, read
 * on each call, or a state read once by prepareState for many decisions.
 */
export function decide(scheme: CompiledScheme, request: unknown, state?: unknown, options: DecideOptions = NO_OPTIONS): Decision | InvalidRequest {
  return decideRequest(scheme, request, state, options);
}
