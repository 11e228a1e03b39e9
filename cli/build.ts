// `sluice build FILE -o OUT.mjs [--runtime SPECIFIER]`: writes the scheme as a standalone ES
// module that decides without `new Function` or eval (compiler/standalone.ts).
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildModule } from '../compiler/standalone.js';
import { hasErrors } from '../grammar/diagnostics.js';
import { parseArgs } from './args.js';
import { printDiagnostics } from './diagnostics.js';
import { EXIT, readText, writeText, type Output } from './io.js';

export const BUILD_USAGE = 'sluice build FILE -o OUT.mjs [--runtime SPECIFIER]';

/** `-o OUT` is `--out OUT`. */
function normalize(argv: readonly string[]): string[] {
  return argv.map((a) => (a === '-o' ? '--out' : a));
}

/** An absolute path becomes a file: URL (an import specifier on every platform); anything else is kept. */
function runtimeSpecifier(value: string | undefined): string | undefined {
  return value !== undefined && isAbsolute(value) ? pathToFileURL(value).href : value;
}

export function buildCommand(argv: readonly string[], io: Output): number {
  const parsed = parseArgs(normalize(argv), [], ['out', 'runtime']);
  if (!parsed.ok || parsed.args.positional.length !== 1) {
    io.err(`sluice build: ${parsed.ok ? 'needs one scheme file' : parsed.message}\nusage: ${BUILD_USAGE}\n`);
    return EXIT.usage;
  }
  const file = parsed.args.positional[0]!;
  const source = readText(file);
  if (!source.ok) {
    io.err(`sluice build: ${source.message}\n`);
    return EXIT.usage;
  }
  const runtime = runtimeSpecifier(parsed.args.options.get('runtime'));
  const result = buildModule(source.text, { sourceName: file, ...(runtime === undefined ? {} : { runtime }) });
  printDiagnostics(file, result.diagnostics, io);
  if (hasErrors(result.diagnostics) || result.module === undefined) return EXIT.failed;
  return write(parsed.args.options.get('out'), result.module, io);
}

/** To OUT, or to stdout without `-o`. */
function write(out: string | undefined, module: string, io: Output): number {
  if (out === undefined) {
    io.out(module);
    return EXIT.ok;
  }
  const error = writeText(out, module);
  if (error !== undefined) {
    io.err(`sluice build: ${error}\n`);
    return EXIT.usage;
  }
  return EXIT.ok;
}
