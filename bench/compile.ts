// Compile benchmark: parse, check and code generation of generated first-match schemes, and
// the editor's per-keystroke diagnostics (parse + check) on the 1,000-rule scheme.
import { checkSource } from '../compiler/check.js';
import { compileAst } from '../compiler/compile.js';
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

/** The scheme of n rules, or of the most thousands of rules that fit the parser's size limit. */
function fitting(n: number): { rules: number; source: string } {
  for (let k = n; k > 0; k -= 1000) {
    const source = schemeSource(generateRules(k));
    if (!parse(source).diagnostics.some((d) => d.code === 'E_TOO_LARGE')) return { rules: k, source };
  }
  throw new Error('no generated scheme fits the source size limit');
}

function measure(wanted: number): CompileRow {
  const { rules: n, source } = fitting(wanted);
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
  const rows = sizes.map(measure);
  const shrunk = rows.flatMap((r, i) =>
    r.rules === sizes[i] ? [] : [`${sizes[i]!.toLocaleString('en-US')} rules exceed the parser's source size limit (E_TOO_LARGE); measured at ${r.rules.toLocaleString('en-US')}.`],
  );
  const body = rows.map((r) => [
    r.rules.toLocaleString('en-US'),
    r.chars.toLocaleString('en-US'),
    fmtMs(r.parse),
    fmtMs(r.check),
    fmtMs(r.codegen),
    fmtMs(r.check + r.codegen),
  ]);
  const editor = rows.find((r) => r.rules === 1000);
  const note =
    'codegen = lowering, code generation, instantiation and the request validator (compileAst); ' +
    'the traced program is generated on first use, so it is not included.\n' +
    (editor ? `Editor diagnostics (parse + check) at 1,000 rules: ${fmtMs(editor.check)} per keystroke.\n` : '') +
    shrunk.map((s) => `${s}\n`).join('');
  return `${header('compile')}${note}\n${table(['rules', 'source chars', 'parse', 'parse + check', 'codegen', 'compile total'], body)}\n`;
}
