// Decision impact of a scheme change: every sample request decided by both schemes against
// the same state (nothing committed), and which outcomes move where.
import { decide, type CompiledScheme, type Decision, type InvalidRequest } from '../../index.js';

export interface SampleRequest {
  /** 1-based line in the JSONL file, for examples a reviewer can look up. */
  readonly line: number;
  readonly json: unknown;
}

export interface Transition {
  readonly old: string;
  readonly new: string;
  readonly count: number;
}

export interface ImpactExample {
  readonly line: number;
  readonly old: string;
  readonly new: string;
}

export interface Impact {
  readonly requests: number;
  /** Decisions that differ (a request valid under one scheme only counts as changed). */
  readonly changed: number;
  readonly unchanged: number;
  /** Requests each scheme rejects as invalid; `both` are not compared. */
  readonly invalid: { readonly old: number; readonly new: number; readonly both: number };
  /** Changed decisions by (old outcome → new outcome), most frequent first. */
  readonly transitions: readonly Transition[];
  readonly examples: readonly ImpactExample[];
}

export const MAX_EXAMPLES = 5;

/** Non-blank lines as JSON; the number of the first line that is not JSON, if any. */
export function parseJsonLines(text: string): { ok: true; requests: SampleRequest[] } | { ok: false; line: number } {
  const requests: SampleRequest[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.trim()) continue;
    try {
      requests.push({ line: i + 1, json: JSON.parse(lines[i]!) });
    } catch {
      return { ok: false, line: i + 1 };
    }
  }
  return { ok: true, requests };
}

type Result = Decision | InvalidRequest;

interface Outcome {
  /** What the transitions table groups by: the route(s), the block, or the resolution. */
  readonly label: string;
  /** One line for an example: allocations with their debits and fees. */
  readonly text: string;
  /** Equal exactly when the two decisions pay out alike (strategy keys are bookkeeping). */
  readonly key: string;
}

export function outcomeOf(r: Result): Outcome {
  if (r.status === 'invalid') {
    const first = r.errors[0];
    return { label: 'invalid', text: `invalid${first ? `: ${first.path} ${first.message}` : ''}`, key: 'invalid' };
  }
  const key = JSON.stringify([r.status, r.block, r.resolution, r.allocations]);
  if (r.status === 'blocked') return { label: `blocked ${r.block}`, text: `blocked by ${r.block}`, key };
  if (r.status === 'failed') return { label: r.resolution ?? 'failed', text: `failed: ${r.resolution}`, key };
  const label = [...new Set(r.allocations.map((a) => a.route))].join('+');
  const text = r.allocations.map((a) => `${a.route} ${a.amount} ${a.currency} fee ${a.fee}`).join(' + ');
  return { label, text, key };
}

/** Decides every request with both schemes; `state` is state JSON, already known to be valid. */
export function decisionImpact(before: CompiledScheme, after: CompiledScheme, requests: readonly SampleRequest[], state?: unknown): Impact {
  const counts = new Map<string, { old: string; new: string; count: number; example: ImpactExample }>();
  const invalid = { old: 0, new: 0, both: 0 };
  let changed = 0;
  for (const { line, json } of requests) {
    const a = outcomeOf(decide(before, json, state, { trace: false }));
    const b = outcomeOf(decide(after, json, state, { trace: false }));
    if (a.label === 'invalid') invalid.old++;
    if (b.label === 'invalid') invalid.new++;
    if (a.key === b.key) {
      if (a.label === 'invalid') invalid.both++;
      continue;
    }
    changed++;
    const id = JSON.stringify([a.label, b.label]);
    const entry = counts.get(id) ?? { old: a.label, new: b.label, count: 0, example: { line, old: a.text, new: b.text } };
    counts.set(id, { ...entry, count: entry.count + 1 });
  }
  const sorted = [...counts.values()].sort((x, y) => y.count - x.count || x.old.localeCompare(y.old) || x.new.localeCompare(y.new));
  return {
    requests: requests.length,
    changed,
    unchanged: requests.length - changed - invalid.both,
    invalid,
    transitions: sorted.map(({ old, new: neu, count }) => ({ old, new: neu, count })),
    // One example per transition, so each row of the table can be checked by hand.
    examples: sorted.slice(0, MAX_EXAMPLES).map((t) => t.example),
  };
}
