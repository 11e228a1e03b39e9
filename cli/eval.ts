// `sluice eval FILE --request REQ.json [--state STATE.json]`: prints the Decision as JSON.
import { decide, expandTrace } from '../index.js';
import { parseArgs } from './args.js';
import { decisionJson } from '../runtime/decision-json.js';
import { EXIT, type Output } from './io.js';
import { loadJson, loadScheme } from './scheme.js';

export const EVAL_USAGE = 'sluice eval FILE --request REQ.json [--state STATE.json]';

export function evalCommand(argv: readonly string[], io: Output): number {
  const parsed = parseArgs(argv, ['no-trace'], ['request', 'state']);
  if (!parsed.ok || parsed.args.positional.length !== 1 || !parsed.args.options.has('request')) {
    io.err(`sluice eval: ${parsed.ok ? 'needs one scheme file and --request' : parsed.message}\nusage: ${EVAL_USAGE}\n`);
    return EXIT.usage;
  }
  const { positional, options, flags } = parsed.args;
  const scheme = loadScheme(positional[0]!, io);
  if (!scheme.ok) return scheme.exit;
  const request = loadJson(options.get('request'), io);
  if (!request.ok) return request.exit;
  const state = loadJson(options.get('state'), io);
  if (!state.ok) return state.exit;
  const result = decide(scheme.value, request.value, state.value, { trace: !flags.has('no-trace') });
  if (result.status === 'invalid') {
    for (const e of result.errors) io.err(`invalid ${e.path.startsWith('/state') ? 'state' : 'request'}: ${e.path}: ${e.message}\n`);
    return EXIT.usage;
  }
  // A person reads this: each chain's compact entry shown condition by condition.
  const shown = { ...result, trace: expandTrace(scheme.value, result.trace) };
  io.out(`${JSON.stringify(decisionJson(shown), null, 2)}\n`);
  return EXIT.ok;
}
