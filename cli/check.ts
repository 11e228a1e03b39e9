// `sluice check FILE... [--format text|json|github|sarif] [--quiet]`: diagnostics on stdout;
// exit 1 when any file has an error.
import { checkSource } from '../compiler/check.js';
import { hasErrors } from '../grammar/diagnostics.js';
import { parseArgs } from './args.js';
import { EXIT, readText, type Output } from './io.js';
import { FORMATS, isFormat, report, type FileDiagnostics } from './report.js';
import { version } from './version.js';

export const CHECK_USAGE = `sluice check FILE... [--format ${FORMATS.join('|')}] [--quiet]`;

export function checkCommand(argv: readonly string[], io: Output): number {
  const parsed = parseArgs(argv, ['quiet'], ['format']);
  const format = parsed.ok ? (parsed.args.options.get('format') ?? 'text') : 'text';
  if (!parsed.ok || parsed.args.positional.length === 0 || !isFormat(format)) {
    const why = !parsed.ok ? parsed.message : !isFormat(format) ? `unknown format '${format}'` : 'no files given';
    io.err(`sluice check: ${why}\nusage: ${CHECK_USAGE}\n`);
    return EXIT.usage;
  }
  const quiet = parsed.args.flags.has('quiet');
  let status: number = EXIT.ok;
  const checked: FileDiagnostics[] = [];
  for (const file of parsed.args.positional.filter((a) => a !== '--')) {
    const source = readText(file);
    if (!source.ok) {
      io.err(`sluice check: ${source.message}\n`);
      status = EXIT.usage;
      continue;
    }
    const { diagnostics } = checkSource(source.text);
    if (hasErrors(diagnostics)) status = Math.max(status, EXIT.failed);
    // --quiet: errors only, for hooks and CI logs that should not repeat known warnings.
    checked.push({ file, diagnostics: quiet ? diagnostics.filter((d) => d.severity === 'error') : diagnostics });
  }
  io.out(report(format, checked, version()));
  return status;
}
