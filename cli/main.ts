// The `sluice` command line: one file per subcommand.
import { buildCommand, BUILD_USAGE } from './build.js';
import { checkCommand, CHECK_USAGE } from './check.js';
import { diffCommand, DIFF_USAGE } from './diff.js';
import { evalCommand, EVAL_USAGE } from './eval.js';
import { fmtCommand, FMT_USAGE } from './fmt.js';
import { lspCommand, LSP_USAGE } from './lsp.js';
import { providerSimCommand, PROVIDER_SIM_USAGE } from './provider-sim.js';
import { serveCommand, SERVE_USAGE } from './serve.js';
import { simulateCommand, SIMULATE_USAGE } from './simulate.js';
import { testCommand, TEST_USAGE } from './test-cases.js';
import { EXIT, stdio, type Output } from './io.js';
import { version } from './version.js';

type Command = (argv: readonly string[], io: Output) => number | Promise<number>;

const COMMANDS: ReadonlyMap<string, { run: Command; usage: string; summary: string }> = new Map([
  ['check', { run: checkCommand, usage: CHECK_USAGE, summary: 'report errors and warnings in schemes' }],
  ['fmt', { run: fmtCommand, usage: FMT_USAGE, summary: 'print schemes in the canonical layout' }],
  ['eval', { run: evalCommand, usage: EVAL_USAGE, summary: 'decide one request; print the Decision JSON' }],
  ['simulate', { run: simulateCommand, usage: SIMULATE_USAGE, summary: 'decide requests in order; print the summary' }],
  ['test', { run: testCommand, usage: TEST_USAGE, summary: "run a scheme's cases (NAME.cases.json)" }],
  ['serve', { run: serveCommand, usage: SERVE_USAGE, summary: 'run the HTTP service and the editor' }],
  ['build', { run: buildCommand, usage: BUILD_USAGE, summary: 'write the scheme as an ES module that decides without eval' }],
  ['diff', { run: diffCommand, usage: DIFF_USAGE, summary: 'what changed between two schemes, and which decisions move' }],
  ['lsp', { run: lspCommand, usage: LSP_USAGE, summary: 'the language server for editors (LSP over stdio)' }],
  ['provider-sim', { run: providerSimCommand, usage: PROVIDER_SIM_USAGE, summary: 'a payout provider to test the http connector against' }],
]);

function usage(): string {
  const lines = [...COMMANDS.values()].map((c) => `  ${c.usage.padEnd(58)} ${c.summary}`);
  return `usage: sluice COMMAND ...    (sluice --version: the version)\n\ncommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: readonly string[], io: Output = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || rest.includes('--version')) {
    io.out(`sluice ${version()}\n`);
    return EXIT.ok;
  }
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS.get(name);
  if (!command) {
    io.err(`sluice: unknown command '${name}'\n${usage()}`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    // A bug, not a user error: say so in one line, without a stack trace.
    io.err(`sluice ${name}: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.usage;
  }
}
