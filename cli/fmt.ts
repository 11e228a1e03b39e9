// `sluice fmt FILE... [--write | --check | --diff]`
import { format } from '../grammar/format.js';
import { parseArgs } from './args.js';
import { printDiagnostics } from './diagnostics.js';
import { EXIT, readText, writeText, type Output } from './io.js';
import { unifiedDiff } from './unified-diff.js';

export const FMT_USAGE = 'sluice fmt FILE... [--write | --check | --diff]';

export function fmtCommand(argv: readonly string[], io: Output): number {
  const parsed = parseArgs(argv, ['write', 'check', 'diff'], []);
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
  if (flags.has('diff')) {
    // A unified diff of what --write would change; exit 1 when there is any, as --check.
    io.out(unifiedDiff(source.text, result.text, `${file}`, `${file} (formatted)`));
    return result.text === source.text ? EXIT.ok : EXIT.failed;
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
