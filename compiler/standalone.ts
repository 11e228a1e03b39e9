// `sluice build`: a checked scheme as a standalone ES module that decides without
// `new Function` or eval. The generated decision code is emitted as the body of a function
// over its scope `K`, the scope itself as data (compiler/serialize.ts), and the request
// validator through ajv's standalone code (compiler/standalone-validator.ts). The module
// imports its runtime, `sluice/standalone` (runtime/standalone.ts), and exports the scheme
// and `decide`.
import type * as A from '../grammar/ast.js';
import { hasErrors, type Diagnostic } from '../grammar/diagnostics.js';
import { checkSource } from './check.js';
import { generate } from './codegen.js';
import { lit } from './literal.js';
import { fieldKindsOf, settingsOf } from './lower.js';
import { NAMES } from './code.js';
import { requestSchema } from './schema.js';
import { valueSource } from './serialize.js';
import { validatorSource } from './standalone-validator.js';
import { traceTable } from './trace-table.js';

export interface BuildOptions {
  /** The specifier the module imports its runtime from (default `sluice/standalone`). */
  readonly runtime?: string;
  /** Named in the module's header comment (never in code). */
  readonly sourceName?: string;
}

export interface BuildResult {
  readonly diagnostics: readonly Diagnostic[];
  /** The module's source, when the scheme compiles. */
  readonly module?: string;
}

export const DEFAULT_RUNTIME = 'sluice/standalone';

/** `function NAME(K, rt) { <generated source> }` and `function NAMEScope() { return K; }`. */
function programSource(ast: A.SchemeFile, trace: boolean, name: string): { code: string; money: ReturnType<typeof generate>['money'] } {
  const g = generate(ast, { trace });
  const scope = valueSource(g.scope, `${name}'s K`);
  const code = [
    `function ${name}Parts(${NAMES.K.text}, ${NAMES.rt.text}) {\n${g.source}\n}`,
    `function ${name}Scope() {\n${[...scope.declarations, `return ${scope.expression};`].join('\n')}\n}`,
  ].join('\n');
  return { code, money: g.money };
}

/** A data constant: `const NAME = (() => { ...shared; return value; })();`. */
function constant(name: string, value: unknown): string {
  const { declarations, expression } = valueSource(value, name);
  if (declarations.length === 0) return `const ${name} = ${expression};`;
  return `const ${name} = (() => {\n${declarations.join('\n')}\nreturn ${expression};\n})();`;
}

/** The header comment: the source's name as a JSON string (`lit` escapes every line end). */
function header(sourceName: string | undefined): string {
  const from = sourceName === undefined ? '' : ` from ${lit(sourceName)}`;
  return `// Built by \`sluice build\`${from}. Do not edit: rebuild from the scheme.`;
}

export function buildModuleFromAst(ast: A.SchemeFile, options: BuildOptions = {}): string {
  const schema = requestSchema(ast);
  const fast = programSource(ast, false, 'fast');
  const traced = programSource(ast, true, 'traced');
  return [
    header(options.sourceName),
    `import { standaloneScheme } from ${lit(options.runtime ?? DEFAULT_RUNTIME)};`,
    constant('settings', settingsOf(ast)),
    constant('schema', schema),
    constant('fieldKinds', [...fieldKindsOf(ast)]),
    constant('money', fast.money),
    constant('traceTable', traceTable(ast)),
    `const validator = ${validatorSource(schema)};`,
    fast.code,
    traced.code,
    'export const scheme = standaloneScheme({',
    '  settings, schema, fieldKinds, money, validator, traceTable,',
    '  program: { parts: fastParts, scope: fastScope },',
    '  traced: { parts: tracedParts, scope: tracedScope },',
    '});',
    '/** Decides one request (JSON) against a state (JSON); `{ trace: true }` adds the trace. */',
    'export function decide(request, state, options) {',
    '  return scheme.decide(request, state, options);',
    '}',
    '/** The trace with each chain\'s compact entry shown condition by condition (as `sluice eval` prints it). */',
    'export function expandTrace(trace) {',
    '  return scheme.expandTrace(trace);',
    '}',
    'export default scheme;',
    '',
  ].join('\n');
}

/** Checks and builds a scheme's source; no module when it has errors. */
export function buildModule(source: string, options: BuildOptions = {}): BuildResult {
  const checked = checkSource(source);
  if (hasErrors(checked.diagnostics)) return { diagnostics: checked.diagnostics };
  return { diagnostics: checked.diagnostics, module: buildModuleFromAst(checked.ast, options) };
}
