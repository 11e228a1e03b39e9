// The runtime of `sluice build`'s modules (`import ... from 'sluice/standalone'`): turns the
// parts a module emits (its programs as functions over their scope, its ajv validator, its
// settings) into a scheme that decides exactly as the in-process compile, with no
// `new Function` or eval anywhere.
import equal from 'ajv/dist/runtime/equal.js';
import ucs2length from 'ajv/dist/runtime/ucs2length.js';
import uri from 'ajv/dist/runtime/uri.js';
import validationError from 'ajv/dist/runtime/validation_error.js';
import { decideRequest, type DecidableScheme, type DecideOptions, type InvalidRequest } from './decide-request.js';
import { fastReaderOf } from './fast-request.js';
import { instantiateProgram, type MoneyLiterals, type Program, type ProgramCode } from './program.js';
import type { FieldKind } from './request.js';
import { expandTrace, type TraceTable } from './trace.js';
import type { Decision, SchemeSettings, TraceEntry } from './types.js';
import { REQUEST_FORMATS, requestReaderOf, validatorOf, type RequestValidator, type SchemaCheck } from './validation.js';

export type { Decision, DecideOptions, InvalidRequest, RequestValidator, SchemeSettings };
export type { ProgramParts } from './program.js';
export { prepareState, type PreparedState } from './state.js';

/** One program of a module: its generated function and a builder of its scope `K`. */
export interface EmittedProgram {
  readonly parts: ProgramCode;
  readonly scope: () => readonly unknown[];
}

/** What `sluice build` emits. */
export interface EmittedScheme {
  readonly settings: SchemeSettings;
  readonly schema: Readonly<Record<string, unknown>>;
  readonly fieldKinds: readonly (readonly [string, FieldKind])[];
  readonly money: MoneyLiterals;
  /** ajv's standalone validator, given what it requires and the formats. */
  readonly validator: (require: (id: string) => unknown, formats: Readonly<Record<string, unknown>>) => SchemaCheck;
  readonly program: EmittedProgram;
  readonly traced: EmittedProgram;
  readonly traceTable: TraceTable;
}

/** A built scheme: what deciding needs, its schema, and `decide` itself. */
export interface StandaloneScheme extends DecidableScheme {
  readonly settings: SchemeSettings;
  readonly schema: Readonly<Record<string, unknown>>;
  readonly traceTable: TraceTable;
  decide(request: unknown, state?: unknown, options?: DecideOptions): Decision | InvalidRequest;
  /** The trace with each chain's compact entry shown condition by condition (runtime/trace.ts). */
  expandTrace(trace: readonly TraceEntry[]): TraceEntry[];
}

/** ajv's runtime helpers its standalone code requires (module.exports, as `require` gives). */
const AJV_RUNTIME: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ['ajv/dist/runtime/equal', equal],
  ['ajv/dist/runtime/ucs2length', ucs2length],
  ['ajv/dist/runtime/uri', uri],
  ['ajv/dist/runtime/validation_error', validationError],
]);

function ajvRequire(id: string): unknown {
  const helper = AJV_RUNTIME.get(id);
  if (helper === undefined) throw new Error(`sluice/standalone: the request validator needs ${id}, which this runtime does not provide; rebuild the module with this version of sluice`);
  return helper;
}

function instantiate(emitted: EmittedProgram, settings: SchemeSettings, money: MoneyLiterals): Program {
  return instantiateProgram(emitted.parts, emitted.scope(), settings, money);
}

export function standaloneScheme(emitted: EmittedScheme): StandaloneScheme {
  const { settings, money } = emitted;
  const read = requestReaderOf(emitted.validator(ajvRequire, REQUEST_FORMATS));
  let traced: Program | undefined;
  const fieldKinds = new Map(emitted.fieldKinds);
  const scheme: StandaloneScheme = {
    settings,
    schema: emitted.schema,
    read,
    validate: validatorOf(read),
    fast: fastReaderOf(emitted.schema, fieldKinds),
    fieldKinds,
    program: instantiate(emitted.program, settings, money),
    // Like the in-process compile, the traced program is built on first use.
    get traced() {
      return (traced ??= instantiate(emitted.traced, settings, money));
    },
    traceTable: emitted.traceTable,
    decide: (request, state, options) => decideRequest(scheme, request, state, options),
    expandTrace: (trace) => expandTrace(scheme, trace),
  };
  return scheme;
}
