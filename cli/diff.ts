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
import { compile } from '../compiler/compile.js';
import { format } from '../grammar/format.js';
import { hasErrors } from '../grammar/diagnostics.js';
import { unifiedDiff } from './unified-diff.js';
import { loadJson, loadScheme, type Loaded } from './scheme.js';

export const DIFF_USAGE = 'sluice diff OLD NEW [--requests REQS.jsonl] [--state STATE.json] [--json] [--quiet] | --textconv FILE';

/** What git passes an external diff driver: path old-file old-hex old-mode new-file new-hex new-mode. */
const GIT_ARGS = 7;

export function diffCommand(argv: readonly string[], io: Output): number {
  const parsed = parseArgs(argv, ['json', 'quiet', 'textconv'], ['requests', 'state']);
  if (parsed.ok && parsed.args.flags.has('textconv')) return textconv(parsed.args.positional, io);
  if (parsed.ok && parsed.args.positional.length === GIT_ARGS) return gitDiff(parsed.args.positional, parsed.args.options, io);
  if (!parsed.ok || parsed.args.positional.length !== 2) {
    io.err(`sluice diff: ${parsed.ok ? 'needs two scheme files, OLD and NEW' : parsed.message}\nusage: ${DIFF_USAGE}\n`);
    return EXIT.usage;
  }
  const { positional, options, flags } = parsed.args;
  const [oldFile, newFile] = positional as [string, string];
  // Both schemes are loaded before stopping, so one run shows the diagnostics of each.
  const quiet = flags.has('quiet');
  const before = loadScheme(oldFile, io, quiet);
  const after = loadScheme(newFile, io, quiet);
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

/**
 * As git's external diff driver (`git config diff.sluice.command "sluice diff"`): the semantic
 * diff of the path's two sides, labelled a/PATH and b/PATH. git stops at a driver's non-zero exit,
 * so a side that does not compile (or is absent: /dev/null) gets a line diff instead, and the
 * exit is 0 whenever the diff could be shown.
 */
function gitDiff(args: readonly string[], options: ReadonlyMap<string, string>, io: Output): number {
  const [path, oldFile, , , newFile] = args as [string, string, string, string, string];
  const before = readText(oldFile);
  const after = readText(newFile);
  if (!before.ok || !after.ok) {
    io.err(`sluice diff: ${before.ok ? (after as { message: string }).message : before.message}\n`);
    return EXIT.usage;
  }
  const label = { old: `a/${path}`, new: `b/${path}` };
  const compiled = [compile(before.text), compile(after.text)] as const;
  const [a, b] = compiled.map((c) => (hasErrors(c.diagnostics) ? undefined : c.scheme));
  if (oldFile === '/dev/null' || newFile === '/dev/null' || !a || !b) {
    io.out(`sluice diff ${label.old} ${label.new}: ${!a || !b ? 'a side does not compile; ' : ''}the lines that changed\n`);
    io.out(unifiedDiff(before.text, after.text, oldFile === '/dev/null' ? '/dev/null' : label.old, newFile === '/dev/null' ? '/dev/null' : label.new));
    return EXIT.ok;
  }
  const impact = loadImpact(a, b, options, io);
  if (!impact.ok) return impact.exit;
  io.out(renderDiff(diffSchemes(a.ast, b.ast), impact.value, { ...label, requests: options.get('requests') }));
  return EXIT.ok;
}

/** `--textconv FILE` (git's diff.sluice.textconv): the canonical layout, or the text as it is when it does not parse. */
function textconv(files: readonly string[], io: Output): number {
  if (files.length !== 1) {
    io.err(`sluice diff: --textconv takes one file\nusage: ${DIFF_USAGE}\n`);
    return EXIT.usage;
  }
  const source = readText(files[0]!);
  if (!source.ok) {
    io.err(`sluice diff: ${source.message}\n`);
    return EXIT.usage;
  }
  const formatted = format(source.text);
  io.out(formatted.ok ? formatted.text : source.text);
  return EXIT.ok;
}
