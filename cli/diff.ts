// `sluice diff OLD NEW [--requests REQS.jsonl] [--state STATE.json] [--json]`: what changed
// between two schemes, by structure, and (with --requests) how many decisions it moves.
// Exit 0 whether or not anything changed; 1 when a scheme does not compile; 2 for bad input.
import { decisionImpact, parseJsonLines, type Impact } from '../compiler/diff/impact.js';
import { renderDiff } from '../compiler/diff/render.js';
import { diffSchemes, hasChanges } from '../compiler/diff/diff.js';
import type { CompiledScheme } from '../compiler/compile.js';
import { parseState } from '../runtime/state.js';
import { parseArgs } from './args.js';
import { EXIT, readText, type Output } from './io.js';
import { loadJson, loadScheme, type Loaded } from './scheme.js';

export const DIFF_USAGE = 'sluice diff OLD NEW [--requests REQS.jsonl] [--state STATE.json] [--json]';

export function diffCommand(argv: readonly string[], io: Output): number {
  const parsed = parseArgs(argv, ['json'], ['requests', 'state']);
  if (!parsed.ok || parsed.args.positional.length !== 2) {
    io.err(`sluice diff: ${parsed.ok ? 'needs two scheme files, OLD and NEW' : parsed.message}\nusage: ${DIFF_USAGE}\n`);
    return EXIT.usage;
  }
  const { positional, options, flags } = parsed.args;
  const [oldFile, newFile] = positional as [string, string];
  // Both schemes are loaded before stopping, so one run shows the diagnostics of each.
  const before = loadScheme(oldFile, io);
  const after = loadScheme(newFile, io);
  if (!before.ok || !after.ok) return Math.max(before.ok ? 0 : before.exit, after.ok ? 0 : after.exit);
  const impact = loadImpact(before.value, after.value, options, io);
  if (!impact.ok) return impact.exit;
  const diff = diffSchemes(before.value.ast, after.value.ast);
  if (flags.has('json')) {
    const json = { old: oldFile, new: newFile, changed: hasChanges(diff), ...diff, impact: impact.value };
    io.out(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    io.out(renderDiff(diff, impact.value, { old: oldFile, new: newFile, requests: options.get('requests') }));
  }
  return EXIT.ok;
}

/** The decision impact when --requests is given; null without it. */
function loadImpact(
  before: CompiledScheme,
  after: CompiledScheme,
  options: ReadonlyMap<string, string>,
  io: Output,
): Loaded<Impact | null> {
  const file = options.get('requests');
  if (file === undefined) {
    if (options.has('state')) io.err('sluice diff: --state is used only with --requests\n');
    return { ok: true, value: null };
  }
  const text = readText(file === '-' ? '/dev/stdin' : file);
  if (!text.ok) {
    io.err(`sluice diff: ${text.message}\n`);
    return { ok: false, exit: EXIT.usage };
  }
  const lines = parseJsonLines(text.text);
  if (!lines.ok) {
    io.err(`${file}:${lines.line}: not valid JSON\n`);
    return { ok: false, exit: EXIT.usage };
  }
  const state = loadJson(options.get('state'), io);
  if (!state.ok) return state;
  const errors = state.value === undefined ? [] : parseState(state.value).errors;
  if (errors.length) {
    for (const e of errors) io.err(`invalid state: ${e}\n`);
    return { ok: false, exit: EXIT.usage };
  }
  return { ok: true, value: decisionImpact(before, after, lines.requests, state.value) };
}
