// Compile benchmark: parse, check and code generation of generated first-match schemes, and
// the editor's per-keystroke diagnostics (parse + check) on the 1,000-rule scheme.
import { checkSource } from '../compiler/check.js';
import { compileAst } from '../compiler/compile.js';
import { requestAjv, requestSchema } from '../compiler/schema.js';
import { parse } from '../grammar/parse.js';
import { generateRules, schemeSource } from './generate.js';
import { fmtMs, header, medianMs, table } from './measure.js';

interface CompileRow {
  readonly rules: number;
  readonly chars: number;
  readonly parse: number;
  readonly check: number;
  readonly codegen: number;
}

/** The first row would otherwise include compiling the parser and checker (JIT) in its times. */
function warmUp(): void {
  const source = schemeSource(generateRules(1000));
  for (let i = 0; i < 5; i++) compileAst(checkSource(source).ast);
}

function measure(n: number): CompileRow {
  const source = schemeSource(generateRules(n));
  const reps = n >= 5000 ? 3 : 7;
  const checked = checkSource(source);
  const errors = checked.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`generated scheme has errors: ${errors[0]!.message}`);
  return {
    rules: n,
    chars: source.length,
    parse: medianMs(() => parse(source), reps),
    check: medianMs(() => checkSource(source), reps),
    codegen: medianMs(() => compileAst(checked.ast), reps),
  };
}

export function compileSection(sizes: readonly number[] = [100, 1000, 10000]): string {
  warmUp();
  const rows = sizes.map(measure);
  const body = rows.map((r) => [
    r.rules.toLocaleString('en-US'),
    r.chars.toLocaleString('en-US'),
    fmtMs(r.parse),
    fmtMs(r.check),
    fmtMs(r.codegen),
    fmtMs(r.check + r.codegen),
  ]);
  const editor = rows.find((r) => r.rules === 1000);
  // As the compiler does: one Ajv instance (its meta-schema compiled once), a schema it has not seen.
  const ast = checkSource(schemeSource(generateRules(10))).ast;
  const ajv = requestAjv();
  const validator = medianMs(() => {
    const schema = requestSchema(ast);
    ajv.compile(schema);
    ajv.removeSchema(schema);
  }, 7);
  const note =
    'codegen = lowering, code generation, instantiation and the request validator (compileAst); ' +
    'the traced program is generated on first use, so it is not included. ' +
    `Request validators are cached by schema: a compile whose fields (hence request schema) were not seen before adds ajv's compile, ${fmtMs(validator)}.\n` +
    (editor ? `Editor diagnostics (parse + check) at 1,000 rules: ${fmtMs(editor.check)} per keystroke.\n` : '');
  return `${header('compile')}${note}\n${table(['rules', 'source chars', 'parse', 'parse + check', 'codegen', 'compile total'], body)}\n`;
}
