// What a scheme's cases reach: each block that some case makes fire, and each arm of each
// service's when/else chains that some case decides through, read from the cases' traces.
// `sluice test --coverage` lists what no case reaches.
import type { CompiledScheme } from '../compiler/compile.js';
import type * as A from '../grammar/ast.js';
import { decide, expandTrace } from '../index.js';

export interface CoverageItem {
  readonly kind: 'block' | 'branch';
  /** The block's name, or `service NAME: when …` / `else` with the arm's line. */
  readonly label: string;
  readonly line: number;
  readonly reached: boolean;
}

export interface Coverage {
  readonly items: readonly CoverageItem[];
  /** Reached items as a share of all, 0–100 (100 for a scheme with neither blocks nor chains). */
  readonly percent: number;
}

interface Arm {
  readonly label: string;
  readonly line: number;
  /** The lines of the arm's body: a strategy or reject run there means the arm was taken. */
  readonly from: number;
  readonly to: number;
}

function arms(service: string, body: A.Body, out: Arm[]): void {
  if (body.kind !== 'Chain') return;
  for (const b of body.branches) {
    const line = b.keywordSpan.start.line;
    out.push({ label: `service ${service}: ${b.condition ? 'when' : 'else'} (line ${line})`, line, from: b.body.span.start.line, to: b.body.span.end.line });
    arms(service, b.body, out);
  }
}

/** Coverage of `scheme`'s blocks and arms by the requests of `cases` (a cases.json list). */
export function caseCoverage(scheme: CompiledScheme, cases: readonly unknown[]): Coverage {
  const fired = new Set<string>();
  const lines = new Set<number>();
  for (const c of cases) {
    if (typeof c !== 'object' || c === null) continue;
    const { request, state } = c as { request?: unknown; state?: unknown };
    const result = decide(scheme, request, state, { trace: true });
    if (result.status === 'invalid') continue;
    for (const e of expandTrace(scheme, result.trace)) {
      if (e.step === 'block' && e['matched'] === true) fired.add(String(e['block']));
      else if (e.step !== 'block' && typeof e['line'] === 'number') lines.add(e['line']);
    }
  }
  const statements = scheme.ast.statements;
  const items: CoverageItem[] = [];
  for (const s of statements) if (s.kind === 'BlockStmt') items.push({ kind: 'block', label: `block ${s.name.name}`, line: s.span.start.line, reached: fired.has(s.name.name) });
  const all: Arm[] = [];
  for (const s of statements) if (s.kind === 'ServiceStmt') arms(s.name.name, s.body, all);
  for (const a of all) items.push({ kind: 'branch', label: a.label, line: a.line, reached: [...lines].some((l) => l >= a.from && l <= a.to) });
  const reached = items.filter((i) => i.reached).length;
  return { items, percent: items.length ? Math.floor((reached * 1000) / items.length) / 10 : 100 };
}
