// compile(source) → diagnostics and, when there are no errors, a CompiledScheme: its settings,
// routes, request schema and validator, and its decision programs (fast, and traced).
import type * as A from '../grammar/ast.js';
import { hasErrors, type Diagnostic } from '../grammar/diagnostics.js';
import { instantiateProgram, type Program, type ProgramCode } from '../runtime/program.js';
import type { FieldKind } from '../runtime/request.js';
import type { TraceTable } from '../runtime/trace.js';
import type { RouteDef, SchemeSettings } from '../runtime/types.js';
import { validatorOf } from '../runtime/validation.js';
import { fastReaderOf, type FastReader } from '../runtime/fast-request.js';
import { checkSource } from './check.js';
import { generate } from './codegen.js';
import { fieldKindsOf, routesOf, settingsOf } from './lower.js';
import { NAMES } from './code.js';
import { traceTable } from './trace-table.js';
import { requestReader, requestSchema, type JsonSchema, type RequestReader, type RequestValidator } from './schema.js';

export interface CompiledScheme {
  readonly settings: SchemeSettings;
  readonly ast: A.SchemeFile;
  /** The routes by name, in declaration order: what the service stores state and reserves for. */
  readonly routes: ReadonlyMap<string, RouteDef>;
  /** The names of the p2p routes, whose pools of payments the service keeps. */
  readonly pools: readonly string[];
  /** The request's JSON Schema (2020-12). */
  readonly schema: JsonSchema;
  readonly validate: RequestValidator;
  /** The same check, with the amount it read (validate is derived from it). */
  readonly read: RequestReader;
  /** Reads a plainly valid request in one pass (runtime/fast-request.ts); undefined for a schema it does not know. */
  readonly fast: FastReader | undefined;
  readonly fieldKinds: ReadonlyMap<string, FieldKind>;
  /** Decides without building a trace. */
  readonly program: Program;
  /** The same decisions, recording each chain run in the trace's compact form (runtime/trace.ts). */
  readonly traced: Program;
  /** What expandTrace needs to show the compact entries condition by condition. */
  readonly traceTable: TraceTable;
}

export interface CompileResult {
  readonly diagnostics: readonly Diagnostic[];
  readonly scheme?: CompiledScheme;
}

/** Generates the program's source and instantiates it once; `K` carries the values passed by reference. */
function programOf(file: A.SchemeFile, trace: boolean, settings: SchemeSettings): Program {
  const g = generate(file, { trace });
  const code = new Function(NAMES.K.text, NAMES.rt.text, g.source) as ProgramCode;
  return instantiateProgram(code, g.scope, settings, g.money);
}

export function compileAst(ast: A.SchemeFile): CompiledScheme {
  const settings = settingsOf(ast);
  const routes = routesOf(ast);
  const schema = requestSchema(ast);
  // The traced program is generated on first use: a caller that never asks for a trace
  // never pays for it, not even at compile time.
  let traced: Program | undefined;
  let table: TraceTable | undefined;
  const read = requestReader(schema);
  const fieldKinds = fieldKindsOf(ast);
  return {
    settings,
    ast,
    routes,
    pools: [...routes.values()].filter((r) => r.p2p).map((r) => r.name),
    schema,
    read,
    validate: validatorOf(read),
    fast: fastReaderOf(schema, fieldKinds),
    fieldKinds,
    program: programOf(ast, false, settings),
    get traced() {
      return (traced ??= programOf(ast, true, settings));
    },
    get traceTable() {
      return (table ??= traceTable(ast));
    },
  };
}

export function compile(source: string): CompileResult {
  const checked = checkSource(source);
  if (hasErrors(checked.diagnostics)) return { diagnostics: checked.diagnostics };
  return { diagnostics: checked.diagnostics, scheme: compileAst(checked.ast) };
}
