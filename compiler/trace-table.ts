// What the trace's compact entries refer to (runtime/trace.ts): each first-match chain's
// conditions as text with their lines and attributes, by the chain's path (the service's name,
// then `/i` for the chain inside its branch i), and the blocks in order.
import type * as A from '../grammar/ast.js';
import { exprText } from '../grammar/format-expr.js';
import type { AttrName } from '../runtime/conditions.js';
import type { TracedCondition, TraceTable } from '../runtime/trace.js';
import { attributesOf, blocksOf, servicesOf } from './lower.js';

function traced(condition: A.Expr | null, line: number): TracedCondition {
  if (!condition) return { line, condition: 'else', attrs: [] };
  return { line, condition: exprText(condition), attrs: attributesOf(condition) };
}

function addChains(body: A.Body, path: string, chains: Map<string, readonly TracedCondition[]>): void {
  if (body.kind !== 'Chain') return;
  chains.set(path, body.branches.map((b) => traced(b.condition, b.span.start.line)));
  body.branches.forEach((b, i) => addChains(b.body, `${path}/${i}`, chains));
}

export function traceTable(file: A.SchemeFile): TraceTable {
  const chains = new Map<string, readonly TracedCondition[]>();
  for (const [name, s] of servicesOf(file)) addChains(s.body, name, chains);
  const blocks = blocksOf(file).map((b) => ({ ...traced(b.condition, b.span.start.line), block: b.name.name }));
  return { blocks, chains };
}

/** Per condition, the attributes read by it and every condition before it, each once in first-read order. */
export function attributesSeen(conditions: readonly (A.Expr | null)[]): AttrName[][] {
  const seen = new Map<string, AttrName>();
  let last: AttrName[] = [];
  return conditions.map((c) => {
    const before = seen.size;
    if (c) attributesOf(c, seen);
    if (seen.size !== before) last = [...seen.values()];
    return last;
  });
}
