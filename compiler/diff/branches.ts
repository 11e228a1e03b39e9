// Branches of a service compared by identity, not position: a branch is named by its path
// (`sepa_eur › when amount >= 10000 EUR › else`). A plan body is read as a chain holding only
// an implicit `else`, so turning a plan into a chain shows as branches added around it.
import type * as A from '../../grammar/ast.js';
import { exprText } from '../../grammar/format-expr.js';
import { exprKey } from './normal.js';
import { planDetails, planText } from './plan.js';
import type { BranchChange, ChangeKind, Detail } from './diff.js';

interface Node {
  /** `when CONDITION` or `else`. */
  readonly label: string;
  /** The condition's meaning (`else` for none). */
  readonly key: string;
  /** A plan body standing as its own chain: it adds no segment to the path. */
  readonly implicit: boolean;
  readonly content: A.Body;
}

export const PATH_SEPARATOR = ' › ';

function nodesOf(body: A.Body): Node[] {
  if (body.kind !== 'Chain') return [{ label: 'else', key: 'else', implicit: true, content: body }];
  return body.branches.map((b) => ({
    label: b.condition ? `when ${exprText(b.condition)}` : 'else',
    key: b.condition ? exprKey(b.condition) : 'else',
    implicit: false,
    content: b.body,
  }));
}

/** A body on one line: a plan's text, or a chain's branches in braces. */
export function bodyText(body: A.Body): string {
  if (body.kind !== 'Chain') return planText(body);
  return `{ ${nodesOf(body).map((n) => `${n.label}: ${bodyText(n.content)}`).join('; ')} }`;
}

/** The branch changes between two versions of one service. */
export function diffService(service: string, before: A.Body, after: A.Body): BranchChange[] {
  const out: BranchChange[] = [];
  compareBodies(before, after, [service], out);
  return out;
}

function change(kind: ChangeKind, path: readonly string[], old: string | null, neu: string | null, details: Detail[] = []): BranchChange {
  return { change: kind, service: path[0]!, path: path.slice(1), name: path.join(PATH_SEPARATOR), old, new: neu, details };
}

function compareBodies(before: A.Body, after: A.Body, path: readonly string[], out: BranchChange[]): void {
  if (before.kind !== 'Chain' && after.kind !== 'Chain') {
    const details = planDetails(before, after);
    if (details.length) out.push(change('changed', path, planText(before), planText(after), details));
    return;
  }
  compareChains(nodesOf(before), nodesOf(after), path, out);
}

function compareChains(a: readonly Node[], b: readonly Node[], path: readonly string[], out: BranchChange[]): void {
  const pairs = matchNodes(a, b);
  const pairedA = new Set(pairs.map(([i]) => i));
  const pairedB = new Set(pairs.map(([, j]) => j));
  for (const [i, j] of pairs) comparePair(a[i]!, b[j]!, path, out);
  a.forEach((n, i) => {
    if (!pairedA.has(i)) out.push(change('removed', [...path, n.label], bodyText(n.content), null));
  });
  b.forEach((n, j) => {
    if (!pairedB.has(j)) out.push(change('added', [...path, n.label], null, bodyText(n.content)));
  });
  const reordered = reorder(a, pairs, path);
  if (reordered) out.push(reordered);
}

function comparePair(a: Node, b: Node, path: readonly string[], out: BranchChange[]): void {
  const at = a.implicit && b.implicit ? path : [...path, a.label];
  const condition: Detail[] = a.key === b.key ? [] : [{ attribute: 'condition', old: a.label, new: b.label }];
  if (a.content.kind !== 'Chain' && b.content.kind !== 'Chain') {
    const details = [...condition, ...planDetails(a.content, b.content)];
    if (details.length) out.push(change('changed', at, planText(a.content), planText(b.content), details));
    return;
  }
  if (condition.length) out.push(change('changed', at, a.label, b.label, condition));
  compareBodies(a.content, b.content, at, out);
}

/**
 * Pairs old and new branches: first by equal condition; then a changed condition over an
 * unchanged plan; then what is left at the same position (both condition and plan changed).
 * Anything unpaired was added or removed.
 */
function matchNodes(a: readonly Node[], b: readonly Node[]): [number, number][] {
  const pairs: [number, number][] = [];
  const taken = new Set<number>();
  const pass = (fits: (x: Node, y: Node, i: number, j: number) => boolean) => {
    a.forEach((x, i) => {
      if (pairs.some(([p]) => p === i)) return;
      const j = b.findIndex((y, k) => !taken.has(k) && fits(x, y, i, k));
      if (j >= 0) {
        pairs.push([i, j]);
        taken.add(j);
      }
    });
  };
  pass((x, y) => x.key === y.key);
  pass((x, y) => samePlan(x.content, y.content));
  pass((_x, _y, i, j) => i === j);
  return pairs.sort(([i], [j]) => i - j);
}

function samePlan(x: A.Body, y: A.Body): boolean {
  return x.kind !== 'Chain' && y.kind !== 'Chain' && planDetails(x, y).length === 0;
}

/** First match wins, so branches kept but tested in another order is a change of its own. */
function reorder(a: readonly Node[], pairs: readonly [number, number][], path: readonly string[]): BranchChange | undefined {
  const newOrder = pairs.map(([, j]) => j);
  if (newOrder.every((j, k) => k === 0 || newOrder[k - 1]! < j)) return undefined;
  const before = pairs.map(([i]) => a[i]!.label).join(', ');
  const after = [...pairs].sort(([, x], [, y]) => x - y).map(([i]) => a[i]!.label).join(', ');
  return change('reordered', path, before, after);
}
