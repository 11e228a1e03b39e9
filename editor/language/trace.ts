// The routing tree of one decision, for the editor: which lines of the scheme were taken
// (green) and which conditions failed (red), read from the decision's trace.

export type Mark = 'taken' | 'failed' | 'blocked' | 'passed' | 'chosen' | 'filtered' | 'rejected';

export interface LineMark {
  /** 1-based source line. */
  readonly line: number;
  readonly mark: Mark;
  /** A short note shown after the line and on hover. */
  readonly note: string;
}

interface TraceLike {
  readonly step: string;
  readonly [key: string]: unknown;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function list(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return v.map((x: unknown) => {
    if (typeof x !== 'object' || x === null) return str(x);
    const { route, reason } = x as { route?: unknown; reason?: unknown };
    return reason === undefined ? str(route) : `${str(route)} (${str(reason)})`;
  });
}

function values(e: TraceLike): string {
  const v = e['values'];
  if (typeof v !== 'object' || v === null) return '';
  const parts = Object.entries(v).map(([k, x]) => `${k} = ${str(x)}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** One mark per traced line; a later entry for the same line wins (a cascade's last try). */
export function traceMarks(trace: readonly TraceLike[]): LineMark[] {
  const byLine = new Map<number, LineMark>();
  for (const e of trace) {
    const line = e['line'];
    if (typeof line !== 'number') continue;
    const m = markOf(e, line);
    if (m) byLine.set(line, m);
  }
  return [...byLine.values()].sort((a, b) => a.line - b.line);
}

function markOf(e: TraceLike, line: number): LineMark | undefined {
  switch (e.step) {
    case 'branch':
      return e['taken'] === true
        ? { line, mark: 'taken', note: `taken${values(e)}` }
        : { line, mark: 'failed', note: `not taken: ${str(e['condition'])} is false${values(e)}` };
    case 'block':
      return e['matched'] === true
        ? { line, mark: 'blocked', note: `blocked by ${str(e['block'])}${values(e)}` }
        : { line, mark: 'passed', note: `passed${values(e)}` };
    case 'strategy': {
      const chosen = list(e['chosen']);
      const filtered = list(e['filtered']);
      const why = filtered.length ? `; filtered: ${filtered.join(', ')}` : '';
      return chosen.length
        ? { line, mark: 'chosen', note: `${str(e['strategy'])} chose ${chosen.join(', ')}${why}` }
        : { line, mark: 'filtered', note: `${str(e['strategy'])}: no route${why}` };
    }
    case 'reject':
      return { line, mark: 'rejected', note: `rejected: ${str(e['reason'])}` };
    default:
      return undefined;
  }
}

/** Marks that mean "this way" (green) versus "not this way" (red). */
export function isGreen(mark: Mark): boolean {
  return mark === 'taken' || mark === 'passed' || mark === 'chosen';
}
