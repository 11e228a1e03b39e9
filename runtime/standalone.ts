// The runtime of `sluice build`'s modules (`import ... from 'sluice/standalone'`): turns the
// parts a module emits (its programs as functions over their scope, its ajv validator, its
// settings) into a scheme that decides exactly as the in-process compile, with no
// `new Function` or eval anywhere.
import equal from 'ajv/dist/runtime/equal.js';
import ucs2length from 'ajv/dist/runtime/ucs2length.js';
import uri from 'ajv/dist/runtime/uri.js';
import validationError from 'ajv/dist/runtime/validation_error.js';
import { compiledHelpers, type CompiledHelpers } from './compiled-helpers.js';
import type { DecideContext } from './context.js';
import { decideRequest, type DecidableScheme, type DecideOptions, type InvalidRequest } from './decide-request.js';
import type { Program } from './program.js';
import type { FieldKind } from './request.js';
import { expandTrace, type TraceTable } from './trace.js';
import type { Decision, PlanDef, SchemeSettings, TraceEntry } from './types.js';
import { REQUEST_FORMATS, requestReaderOf, validatorOf, type RequestValidator, type SchemaCheck } from './validation.js';

export type { Decision, DecideOptions, InvalidRequest, RequestValidator, SchemeSettings };
export { prepareState, type PreparedState } from './state.js';

/** What generated decision code returns when instantiated over its scope. */
export interface ProgramParts {
  block(ctx: DecideContext): string | null;
  plan(ctx: DecideContext): PlanDef | null | undefined;
}

/** One program of a module: its generated function and a builder of its scope `K`. */
export interface EmittedProgram {
  readonly parts: (K: readonly unknown[], rt: CompiledHelpers) => ProgramParts;
  readonly scope: () => readonly unknown[];
}

/** What `sluice build` emits. */
export interface EmittedScheme {
  readonly settings: SchemeSettings;
  readonly schema: Readonly<Record<string, unknown>>;
  readonly fieldKinds: readonly (readonly [string, FieldKind])[];
  readonly money: { readonly blocks: readonly string[]; readonly services: ReadonlyMap<string, readonly string[]> };
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

/** The same rule as the in-process compile: a service without its own list gets the blocks'. */
function moneyLookup(money: EmittedScheme['money']): Program['moneyCurrencies'] {
  return (service) => money.services.get(service) ?? money.blocks;
}

function instantiate(emitted: EmittedProgram, settings: SchemeSettings, money: EmittedScheme['money']): Program {
  const parts = emitted.parts(emitted.scope(), compiledHelpers);
  return { settings, moneyCurrencies: moneyLookup(money), block: parts.block, plan: parts.plan };
}

export function standaloneScheme(emitted: EmittedScheme): StandaloneScheme {
  const { settings, money } = emitted;
  const read = requestReaderOf(emitted.validator(ajvRequire, REQUEST_FORMATS));
  let traced: Program | undefined;
  const scheme: StandaloneScheme = {
    settings,
    schema: emitted.schema,
    read,
    validate: validatorOf(read),
    fieldKinds: new Map(emitted.fieldKinds),
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
