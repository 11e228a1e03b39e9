// The invariants every fuzzed input must keep (docs/reliability.md, "Fuzzing"). Each check
// throws an Error that says which invariant broke; the caller reports the seed and input.
import { isDeepStrictEqual } from 'node:util';
import { checkSource } from '../../compiler/check.js';
import { compile, type CompiledScheme } from '../../compiler/compile.js';
import { interpret } from '../../compiler/interpret.js';
import { hasErrors, type Diagnostic } from '../../grammar/diagnostics.js';
import { format } from '../../grammar/format.js';
import { parse } from '../../grammar/parse.js';
import { decideWith } from '../../runtime/decide.js';
import { toRequest } from '../../runtime/request.js';
import { expandTrace } from '../../runtime/trace.js';
import { parseState } from '../../runtime/state.js';
import type { Decision } from '../../runtime/types.js';
import { stripSpans } from '../arbitraries.js';

/** An input slower than this (parse, check, format, compile and decisions together) fails. */
export const SLOW_MS = Number(process.env['FUZZ_SLOW_MS'] ?? 2000);

/** Called with every input before it is tried, so a hang can name it. */
/** Counts for the progress lines of `npm run fuzz`. */
export const STATS = { inputs: 0, compiled: 0, decisions: 0 };

let onInput: (text: string) => void = () => {};
export function setOnInput(f: (text: string) => void): void {
  onInput = f;
}

function fail(invariant: string, detail = ''): never {
  throw new Error(`invariant broken: ${invariant}${detail ? `\n${detail}` : ''}`);
}

function errorsOf(ds: readonly Diagnostic[]): string {
  return ds.filter((d) => d.severity === 'error').map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code} ${d.message}`).join('\n');
}

function timed<T>(what: string, started: number, f: () => T): T {
  const out = f();
  const ms = performance.now() - started;
  if (ms > SLOW_MS) fail(`every input takes under ${SLOW_MS} ms`, `${what} finished after ${ms.toFixed(0)} ms`);
  return out;
}

/** format(format(x)) = format(x), and parse(format(x)) = parse(x) up to positions. */
function checkFormat(text: string): void {
  const once = format(text);
  if (!once.ok) return;
  const twice = format(once.text);
  if (!twice.ok) fail('whatever formats, formats again', errorsOf(twice.diagnostics));
  if (twice.text !== once.text) fail('format is idempotent', `once:\n${once.text}\ntwice:\n${twice.text}`);
  const before = parse(text);
  const after = parse(once.text);
  if (!isDeepStrictEqual(stripSpans(after.ast), stripSpans(before.ast))) fail('parse(format(x)) equals parse(x) up to positions');
  const texts = (cs: readonly { text: string }[]) => cs.map((c) => c.text);
  if (!isDeepStrictEqual(texts(after.comments), texts(before.comments))) fail('format keeps every comment');
}

/** Every source that checks without errors compiles; one with errors never does. */
function checkCompile(text: string): CompiledScheme | undefined {
  const checked = checkSource(text);
  const result = compile(text);
  const clean = !hasErrors(checked.diagnostics);
  if (clean && !result.scheme) fail('a source that checks without errors compiles', errorsOf(result.diagnostics));
  if (!clean && result.scheme) fail('a source with errors does not compile', errorsOf(checked.diagnostics));
  return result.scheme;
}

/** The text invariants; the compiled scheme when the source compiles. */
export function checkText(text: string): CompiledScheme | undefined {
  onInput(text);
  STATS.inputs++;
  const started = performance.now();
  timed('parse', started, () => parse(text));
  timed('format', started, () => checkFormat(text));
  const scheme = timed('check and compile', started, () => checkCompile(text));
  if (scheme) STATS.compiled++;
  return scheme;
}

type Json = Record<string, unknown>;

function outcome(d: Decision): unknown {
  return { status: d.status, route: d.route, allocations: d.allocations, resolution: d.resolution, block: d.block };
}

/** Compiled (fast and traced) equals interpreted on every valid request; the compact trace expands to the interpreter's. */
export function checkDecisions(scheme: CompiledScheme, requests: readonly Json[], stateJson: Json): void {
  const state = parseState(stateJson).state;
  const interpreted = interpret(scheme.ast);
  const started = performance.now();
  for (const request of requests) {
    if (scheme.validate(request).length) continue;
    const req = toRequest(request, scheme.fieldKinds);
    STATS.decisions++;
    const reference = decideWith(interpreted, req, state, { trace: true });
    const expected = outcome(reference);
    const fast = outcome(decideWith(scheme.program, req, state, { trace: false }));
    const tracedDecision = decideWith(scheme.traced, req, state, { trace: true });
    const traced = outcome(tracedDecision);
    const expanded = expandTrace(scheme, tracedDecision.trace);
    const detail = () => JSON.stringify({ request, interpreted: expected, fast, traced }, null, 1);
    if (!isDeepStrictEqual(fast, expected) || !isDeepStrictEqual(traced, expected)) fail('compiled equals interpreted', detail());
    if (!isDeepStrictEqual(expanded, reference.trace)) fail('the expanded trace equals the interpreted', JSON.stringify({ request, interpreted: reference.trace, expanded }, null, 1));
  }
  timed('decisions', started, () => undefined);
}
