// Loading a scheme for eval/simulate/test: diagnostics go to stderr; errors stop the command.
import { compile, type CompiledScheme } from '../compiler/compile.js';
import { hasErrors } from '../grammar/diagnostics.js';
import { printDiagnostics } from './diagnostics.js';
import { EXIT, readJson, readText, type Output } from './io.js';

export type Loaded<T> = { ok: true; value: T } | { ok: false; exit: number };

/** `quiet`: errors only on stderr, no warnings (a hook or CI log that has seen them). */
export function loadScheme(file: string, io: Output, quiet = false): Loaded<CompiledScheme> {
  const source = readText(file);
  if (!source.ok) {
    io.err(`sluice: ${source.message}\n`);
    return { ok: false, exit: EXIT.usage };
  }
  const result = compile(source.text);
  printDiagnostics(file, quiet ? result.diagnostics.filter((d) => d.severity === 'error') : result.diagnostics, io);
  if (hasErrors(result.diagnostics) || !result.scheme) return { ok: false, exit: EXIT.failed };
  return { ok: true, value: result.scheme };
}

export function loadJson(file: string | undefined, io: Output): Loaded<unknown> {
  if (file === undefined) return { ok: true, value: undefined };
  const json = readJson(file);
  if (!json.ok) {
    io.err(`sluice: ${json.message}\n`);
    return { ok: false, exit: EXIT.usage };
  }
  return { ok: true, value: json.value };
}
