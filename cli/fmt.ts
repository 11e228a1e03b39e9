// `sluice fmt FILE... [--write | --check]`
import { format } from '../grammar/format.js';
import { parseArgs } from './args.js';
import { printDiagnostics } from './diagnostics.js';
import { EXIT, readText, writeText, type Output } from './io.js';

export const FMT_USAGE = 'sluice fmt FILE... [--write | --check]';

export function fmtCommand(argv: readonly string[], io: Output): number {
  const parsed = parseArgs(argv, ['write', 'check'], []);
  if (!parsed.ok || parsed.args.positional.length === 0) {
    io.err(`sluice fmt: ${parsed.ok ? 'no files given' : parsed.message}\nusage: ${FMT_USAGE}\n`);
    return EXIT.usage;
  }
  const { positional, flags } = parsed.args;
  let status: number = EXIT.ok;
  for (const file of positional) status = Math.max(status, fmtFile(file, flags, io));
  return status;
}

function fmtFile(file: string, flags: ReadonlySet<string>, io: Output): number {
  const source = readText(file);
  if (!source.ok) {
    io.err(`sluice fmt: ${source.message}\n`);
    return EXIT.usage;
  }
  const result = format(source.text);
  if (!result.ok) {
    printDiagnostics(file, result.diagnostics, io);
    return EXIT.failed;
  }
  if (flags.has('check')) {
    if (result.text === source.text) return EXIT.ok;
    io.err(`${file}: not in canonical layout (run sluice fmt --write ${file})\n`);
    return EXIT.failed;
  }
  if (flags.has('write')) {
    if (result.text === source.text) return EXIT.ok;
    const failure = writeText(file, result.text);
    if (failure) io.err(`sluice fmt: ${failure}\n`);
    return failure ? EXIT.usage : EXIT.ok;
  }
  io.out(result.text);
  return EXIT.ok;
}
