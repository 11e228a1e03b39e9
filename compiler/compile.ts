// compile(source) → diagnostics and, when there are no errors, a CompiledScheme: its settings,
// request schema and validator, and its decision programs (fast, and traced).
import type * as A from '../grammar/ast.js';
import { hasErrors, type Diagnostic } from '../grammar/diagnostics.js';
import { compiledHelpers } from '../runtime/compiled-helpers.js';
import type { Program } from '../runtime/program.js';
import type { FieldKind } from '../runtime/request.js';
import type { TraceTable } from '../runtime/trace.js';
import type { SchemeSettings } from '../runtime/types.js';
import { validatorOf } from '../runtime/validation.js';
import { checkSource } from './check.js';
import { generate } from './codegen.js';
import { settingsOf } from './lower.js';
import { traceTable } from './trace-table.js';
import { requestReader, requestSchema, type JsonSchema, type RequestReader, type RequestValidator } from './schema.js';

export interface CompiledScheme {
  readonly settings: SchemeSettings;
  readonly ast: A.SchemeFile;
  /** The request's JSON Schema (2020-12). */
  readonly schema: JsonSchema;
  readonly validate: RequestValidator;
  /** The same check, with the amount it read (validate is derived from it). */
  readonly read: RequestReader;
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

type Parts = Pick<Program, 'block' | 'plan'>;

/** Without money literals (the usual scheme) every service gets the same empty list, unlooked-up. */
function moneyLookup(money: ReturnType<typeof generate>['money']): Program['moneyCurrencies'] {
  if (money.blocks.length === 0 && [...money.services.values()].every((c) => c.length === 0)) return () => money.blocks;
  return (service) => money.services.get(service) ?? money.blocks;
}

/** Instantiates generated source once; `K` carries the values passed by reference. */
function instantiate(file: A.SchemeFile, trace: boolean, settings: SchemeSettings): Program {
  const g = generate(file, { trace });
  const parts = new Function('K', 'rt', g.source)(g.scope, compiledHelpers) as Parts;
  return {
    settings,
    moneyCurrencies: moneyLookup(g.money),
    block: parts.block,
    plan: parts.plan,
  };
}

export function compileAst(ast: A.SchemeFile): CompiledScheme {
  const settings = settingsOf(ast);
  const schema = requestSchema(ast);
  const fieldKinds = new Map<string, FieldKind>();
  for (const s of ast.statements) if (s.kind === 'FieldStmt') fieldKinds.set(s.name.name, s.type);
  // The traced program is generated on first use: a caller that never asks for a trace
  // never pays for it, not even at compile time.
  let traced: Program | undefined;
  let table: TraceTable | undefined;
  const read = requestReader(schema);
  return {
    settings,
    ast,
    schema,
    read,
    validate: validatorOf(read),
    fieldKinds,
    program: instantiate(ast, false, settings),
    get traced() {
      return (traced ??= instantiate(ast, true, settings));
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
