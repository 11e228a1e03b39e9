// `sluice simulate` in the page's worker: the open scheme (and optionally another version) run
// over the same traffic and state, each request committed into its own copy of the state, with
// the CLI's summary; and, with two schemes, their semantic diff with the decision impact.
import { compile, type CompiledScheme } from '../../compiler/compile.js';
import { decisionImpact } from '../../compiler/diff/impact.js';
import { renderDiff } from '../../compiler/diff/render.js';
import { diffSchemes } from '../../compiler/diff/diff.js';
import { toRequest } from '../../runtime/request.js';
import { expandTrace } from '../../runtime/trace.js';
import { Simulation, type SimulationSummary } from '../../runtime/simulation.js';
import { parseState } from '../../runtime/state.js';
import { parseJsonl, parseStateText } from './simulation-input.js';
import { whyNotRouted } from './trace-tree.js';

export interface SchemeInput {
  /** How the charts name it: `editor`, `v3`, ... */
  readonly label: string;
  readonly source: string;
}

export interface SimulationInput {
  readonly scheme: SchemeInput;
  readonly other?: SchemeInput;
  readonly requests: string;
  readonly state: string;
}

export interface SimulationRun {
  readonly label: string;
  readonly summary: SimulationSummary;
  /** Requests the scheme's request schema refused: not simulated. */
  readonly invalid: number;
  /** The first few of those, with their line. */
  readonly invalidExamples: readonly string[];
  /** The decisions not routed, grouped by why (trace-tree.ts's whyNotRouted), most first. */
  readonly notRouted: readonly Reason[];
}

export interface Reason {
  readonly reason: string;
  readonly count: number;
}

export type SimulationOutput =
  | { readonly ok: true; readonly requests: number; readonly runs: readonly SimulationRun[]; readonly diff: string | null; readonly ms: number }
  | { readonly ok: false; readonly message: string };

export type Progress = (done: number, total: number) => void;

function compiled(input: SchemeInput): CompiledScheme | string {
  let result: ReturnType<typeof compile>;
  try {
    result = compile(input.source);
  } catch (e) {
    return `${input.label} could not be compiled here: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (result.scheme) return result.scheme;
  const first = result.diagnostics.find((d) => d.severity === 'error');
  return `${input.label} has errors${first ? ` (line ${first.span.start.line}: ${first.message})` : ''}`;
}

const EXAMPLES = 5;
/** Distinct reasons kept per run; the rest are counted under one line. */
const REASONS = 12;
const OTHER = 'other reasons';

function tally(reasons: Map<string, number>, reason: string): void {
  if (reasons.has(reason) || reasons.size < REASONS) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  else reasons.set(OTHER, (reasons.get(OTHER) ?? 0) + 1);
}

const mostFirst = (reasons: Map<string, number>): Reason[] =>
  [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));

export function runSimulation(input: SimulationInput, progress: Progress = () => {}): SimulationOutput {
  const start = performance.now();
  const lines = parseJsonl(input.requests);
  if (!lines.ok) return { ok: false, message: `Requests: ${lines.message}.` };
  if (lines.requests.length === 0) return { ok: false, message: 'No requests: paste or upload JSONL, one request a line.' };
  const stateText = parseStateText(input.state);
  if (!stateText.ok) return { ok: false, message: `State: ${stateText.message}.` };
  const state = parseState(stateText.state);
  if (state.errors.length) return { ok: false, message: `State: ${state.errors.slice(0, 3).join('; ')}.` };
  const schemes = [input.scheme, ...(input.other ? [input.other] : [])].map((s) => ({ input: s, scheme: compiled(s) }));
  for (const s of schemes) if (typeof s.scheme === 'string') return { ok: false, message: `${s.scheme}.` };
  const total = lines.requests.length * schemes.length;
  let done = 0;
  const runs = schemes.map(({ input: s, scheme }) => {
    const c = scheme as CompiledScheme;
    const sim = new Simulation(c.program, state.state, c.traced);
    let invalid = 0;
    const invalidExamples: string[] = [];
    const reasons = new Map<string, number>();
    for (const { line, json } of lines.requests) {
      if (++done % 500 === 0) progress(done, total);
      const read = c.read(json);
      if (!read.ok) {
        invalid++;
        if (invalidExamples.length < EXAMPLES) invalidExamples.push(`line ${line}: ${read.errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`);
        continue;
      }
      const d = sim.step(toRequest(json as Record<string, unknown>, c.fieldKinds, read.amount));
      if (d.status !== 'routed') tally(reasons, whyNotRouted({ ...d, trace: expandTrace(c, d.trace) }));
    }
    return { label: s.label, summary: sim.summary(), invalid, invalidExamples, notRouted: mostFirst(reasons) };
  });
  progress(total, total);
  let diff: string | null = null;
  if (schemes.length === 2) {
    const after = schemes[0]!.scheme as CompiledScheme;
    const before = schemes[1]!.scheme as CompiledScheme;
    const impact = decisionImpact(before, after, lines.requests, stateText.state);
    diff = renderDiff(diffSchemes(before.ast, after.ast), impact, { old: schemes[1]!.input.label, new: schemes[0]!.input.label, requests: 'the simulated requests' });
  }
  return { ok: true, requests: lines.requests.length, runs, diff, ms: performance.now() - start };
}
