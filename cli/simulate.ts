// `sluice simulate FILE --requests REQS.jsonl [--state STATE.json]`: runs the requests in
// order, committing each routed decision into the state, and prints the summary JSON.
import { toRequest } from '../runtime/request.js';
import { Simulation } from '../runtime/simulation.js';
import { EMPTY_STATE, parseState } from '../runtime/state.js';
import { parseArgs } from './args.js';
import { EXIT, readText, stdio, type Output } from './io.js';
import { progress } from './progress.js';
import { loadJson, loadScheme } from './scheme.js';

export const SIMULATE_USAGE = 'sluice simulate FILE --requests REQS.jsonl [--state STATE.json] [--progress]';

/** Files with fewer requests finish before a progress line would help. */
const PROGRESS_FROM = 2_000;

export async function simulateCommand(argv: readonly string[], io: Output): Promise<number> {
  const parsed = parseArgs(argv, ['progress'], ['requests', 'state']);
  if (!parsed.ok || parsed.args.positional.length !== 1 || !parsed.args.options.has('requests')) {
    io.err(`sluice simulate: ${parsed.ok ? 'needs one scheme file and --requests' : parsed.message}\nusage: ${SIMULATE_USAGE}\n`);
    return EXIT.usage;
  }
  const { positional, options } = parsed.args;
  const requestsFile = options.get('requests')!;
  const readable = readText(requestsFile === '-' ? '/dev/stdin' : requestsFile);
  if (!readable.ok) {
    io.err(`sluice simulate: ${readable.message}\n`);
    return EXIT.usage;
  }
  const scheme = loadScheme(positional[0]!, io);
  if (!scheme.ok) return scheme.exit;
  const stateJson = loadJson(options.get('state'), io);
  if (!stateJson.ok) return stateJson.exit;
  const state = stateJson.value === undefined ? { state: EMPTY_STATE, errors: [] } : parseState(stateJson.value);
  if (state.errors.length) {
    for (const e of state.errors) io.err(`invalid state: ${e}\n`);
    return EXIT.usage;
  }
  const sim = new Simulation(scheme.value.program, state.state);
  const lines = readable.text.split(/\r?\n/);
  const asked = parsed.args.flags.has('progress');
  const bar = progress(io, 'simulating', lines.filter((l) => l.trim()).length, asked || (io === stdio && process.stderr.isTTY === true && lines.length >= PROGRESS_FROM));
  let line = 0;
  let done = 0;
  for (const text of lines) {
    line++;
    if (!text.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      io.err(`${requestsFile}:${line}: not valid JSON\n`);
      return EXIT.usage;
    }
    const read = scheme.value.read(json);
    if (!read.ok) {
      for (const e of read.errors) io.err(`${requestsFile}:${line}: invalid request: ${e.path}: ${e.message}\n`);
      return EXIT.usage;
    }
    sim.step(toRequest(json as Record<string, unknown>, scheme.value.fieldKinds, read.amount));
    bar.tick(++done);
  }
  bar.done();
  io.out(`${JSON.stringify(sim.summary(), null, 2)}\n`);
  return EXIT.ok;
}
