// `sluice check FILE...`: diagnostics on stdout; exit 1 when any file has an error.
import { checkSource } from '../compiler/check.js';
import { hasErrors } from '../grammar/diagnostics.js';
import { formatDiagnostic } from './diagnostics.js';
import { EXIT, readText, type Output } from './io.js';

export const CHECK_USAGE = 'sluice check FILE...';

export function checkCommand(argv: readonly string[], io: Output): number {
  const files = argv.filter((a) => a !== '--');
  const option = files.find((a) => a.startsWith('--'));
  if (files.length === 0 || option) {
    io.err(`sluice check: ${option ? `unknown option ${option}` : 'no files given'}\nusage: ${CHECK_USAGE}\n`);
    return EXIT.usage;
  }
  let status: number = EXIT.ok;
  for (const file of files) status = Math.max(status, checkFile(file, io));
  return status;
}

function checkFile(file: string, io: Output): number {
  const source = readText(file);
  if (!source.ok) {
    io.err(`sluice check: ${source.message}\n`);
    return EXIT.usage;
  }
  const { diagnostics } = checkSource(source.text);
  for (const d of diagnostics) io.out(`${formatDiagnostic(file, d)}\n`);
  return hasErrors(diagnostics) ? EXIT.failed : EXIT.ok;
}
