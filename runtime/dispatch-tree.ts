// Indexed dispatch at run time (compiler/dispatch.ts builds the tree): one Map lookup per
// level on currency, country or a one_of field leads to the few branches that can hold.
import type { Request } from './types.js';

export type DispatchTree = DispatchNode | Int32Array;

export interface DispatchNode {
  readonly attribute: string;
  readonly isField: boolean;
  readonly cases: ReadonlyMap<string, DispatchTree>;
  /** Branches that do not constrain the attribute (also taken when it is absent). */
  readonly fallback: DispatchTree;
}

function valueOf(node: DispatchNode, r: Request): unknown {
  if (node.isField) return r.fields.get(node.attribute);
  return node.attribute === 'currency' ? r.currency : r.country;
}

/** The branch indices, in first-match order, that the request can take. */
export function leafOf(tree: DispatchTree, r: Request): Int32Array {
  let node = tree;
  while (!(node instanceof Int32Array)) {
    const v = valueOf(node, r);
    node = (typeof v === 'string' ? node.cases.get(v) : undefined) ?? node.fallback;
  }
  return node;
}
