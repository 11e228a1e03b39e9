// `sluice lsp --stdio`: the language server (lsp/server.ts) for editors, speaking LSP over
// standard input and output until the editor sends `exit` or closes the stream.
import { serveLsp } from '../lsp/server.js';
import { EXIT, type Output } from './io.js';

export const LSP_USAGE = 'sluice lsp --stdio';

export function lspCommand(argv: readonly string[], io: Output): number | Promise<number> {
  if (argv.length !== 1 || argv[0] !== '--stdio') {
    io.err(`sluice lsp: the only transport is --stdio\nusage: ${LSP_USAGE}\n`);
    return EXIT.usage;
  }
  return serveLsp(process.stdin, process.stdout);
}
