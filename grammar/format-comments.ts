// Comments and blank lines put back around the canonical lines (LANGUAGE.md §7). Comments are
// matched to output lines by source line: one on a line a statement came from trails that
// statement; any other becomes a comment line before the next statement. Blank lines come
// from the source text between consecutive printed lines.
import type { Comment } from './ast.js';
import type { OutLine } from './format-layout.js';

/** One printed line: a statement line with at most one trailing comment, or a comment line. */
interface Item {
  readonly depth: number;
  readonly text: string;
  readonly trailing: string | null;
  readonly first: number;
  readonly last: number;
  /** No blank line before it: it closes a block, or belongs to the strategy above. */
  readonly tight: boolean;
  /** No blank line after it: it opens a block. */
  readonly opens: boolean;
}

export function render(lines: readonly OutLine[], comments: readonly Comment[], source?: string): string {
  const items = weave(lines, comments);
  const sourceLines = source?.split(/\r?\n/);
  const out: string[] = [];
  items.forEach((item, k) => {
    const prev = items[k - 1];
    if (prev && sourceLines && !prev.opens && !item.tight && blankBetween(sourceLines, prev.last, item.first)) out.push('');
    out.push(`${'  '.repeat(item.depth)}${item.text}${item.trailing === null ? '' : ` ${item.trailing}`}`);
  });
  return out.length ? `${out.join('\n')}\n` : '';
}

function weave(lines: readonly OutLine[], comments: readonly Comment[]): Item[] {
  const sorted = [...comments].sort((a, b) => a.span.start.offset - b.span.start.offset);
  const before: Comment[][] = lines.map(() => []);
  const on: Comment[][] = lines.map(() => []);
  const tail: Comment[] = [];
  let i = 0;
  for (const c of sorted) {
    const at = c.span.start.line;
    while (i < lines.length && lines[i]!.last < at) i++;
    const target = lines[i];
    if (!target) tail.push(c);
    else (target.first <= at ? on : before)[i]!.push(c);
  }
  const items = lines.flatMap((l, k) => lineItems(l, before[k]!, on[k]!));
  return [...items, ...tail.map((c) => commentItem(c, 0, false))];
}

/**
 * A line gets one trailing comment, the last of those on its source lines (a `} else {` line
 * can collect one from the `}` and one from the `else`); the others, and the comments before
 * it, become comment lines, so comments keep their order.
 */
function lineItems(l: OutLine, before: readonly Comment[], on: readonly Comment[]): Item[] {
  const closes = l.text.startsWith('}');
  // A comment just before a `}` belongs to the block it closes.
  const depth = closes ? l.depth + 1 : l.depth;
  const lead = [...before, ...on.slice(0, -1)].map((c) => commentItem(c, depth, l.attached));
  const trailing = on.length ? on[on.length - 1]!.text.trimEnd() : null;
  const self: Item = {
    depth: l.depth,
    text: l.text,
    trailing,
    first: l.first,
    last: l.last,
    tight: closes || l.attached,
    opens: l.text.endsWith('{'),
  };
  return [...lead, self];
}

function commentItem(c: Comment, depth: number, tight: boolean): Item {
  const at = c.span.start.line;
  return { depth, text: c.text.trimEnd(), trailing: null, first: at, last: at, tight, opens: false };
}

/** Whether a blank line lies strictly between source lines `after` and `before` (1-based). */
function blankBetween(sourceLines: readonly string[], after: number, before: number): boolean {
  for (let n = after + 1; n < before; n++) {
    if (sourceLines[n - 1]?.trim() === '') return true;
  }
  return false;
}
