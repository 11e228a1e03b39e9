// Deciding a request as JSON: validated against the scheme's schema (an invalid request is
// never decided), the state parsed, then the fast or the traced program run. The library's
// `decide` and `sluice build`'s modules both decide through here.
import { decideWith } from './decide.js';
import type { Program } from './program.js';
import { toRequest, type FieldKind } from './request.js';
import { EMPTY_STATE, parseState, PreparedState, type StateResult } from './state.js';
import type { Decision, Request } from './types.js';
import type { FastReader } from './fast-request.js';
import type { RequestReader, RequestValidator, ValidationError } from './validation.js';

/** What deciding needs of a compiled scheme (in process, or built into a module). */
export interface DecidableScheme {
  readonly validate: RequestValidator;
  /** The same check, with the amount it read (validate is derived from it). */
  readonly read: RequestReader;
  /** Reads a plainly valid request in one pass; undefined leaves it to `read` (fast-request.ts). */
  readonly fast: FastReader | undefined;
  readonly fieldKinds: ReadonlyMap<string, FieldKind>;
  readonly program: Program;
  readonly traced: Program;
}

/** A request that fails the scheme's schema is never decided. */
export interface InvalidRequest {
  readonly status: 'invalid';
  readonly errors: readonly ValidationError[];
}

export interface DecideOptions {
  /** Include the trace (default false: machines rarely read it, and at 1,000 rules it is most of a decision's time). */
  readonly trace?: boolean;
}

const NO_STATE: StateResult = { state: EMPTY_STATE, errors: [] };
// decideWith's options, one object each rather than one per decision.
const TRACED = Object.freeze({ trace: true });
const UNTRACED = Object.freeze({ trace: false });
export const NO_OPTIONS: DecideOptions = Object.freeze({});

/** Decides one request (JSON as in DESIGN.md) against a scheme and a state (JSON, or prepared by prepareState). */
export function decideRequest(scheme: DecidableScheme, request: unknown, state?: unknown, options: DecideOptions = NO_OPTIONS): Decision | InvalidRequest {
  const parsed = state === undefined ? NO_STATE : state instanceof PreparedState ? state.result : parseState(state);
  return decideParsedState(scheme, request, parsed, options);
}

/** As decideRequest, with the state parsed already (the service keeps stored state parsed). */
export function decideParsedState(scheme: DecidableScheme, request: unknown, parsed: StateResult, options: DecideOptions = NO_OPTIONS): Decision | InvalidRequest {
  const req = scheme.fast?.(request) ?? readRequest(scheme, request);
  if ('status' in req) return req;
  if (parsed.errors.length) return { status: 'invalid', errors: parsed.errors.map((message) => ({ path: '/state', message })) };
  const trace = options.trace === true;
  return trace ? decideWith(scheme.traced, req, parsed.state, TRACED) : decideWith(scheme.program, req, parsed.state, UNTRACED);
}

/** The full reader: the schema's check (ajv) with the errors of an invalid request, then toRequest. */
function readRequest(scheme: DecidableScheme, request: unknown): Request | InvalidRequest {
  const read = scheme.read(request);
  return read.ok ? toRequest(request as Record<string, unknown>, scheme.fieldKinds, read.amount) : { status: 'invalid', errors: read.errors };
}
