// What the checker's passes share: the declarations found (Symbols) and where problems go.
import type { AttrRef, BlockStmt, RouteStmt, ServiceStmt } from '../grammar/ast.js';
import type { Diagnostic } from '../grammar/diagnostics.js';
import type { SchemeSettings } from '../runtime/types.js';
import { resolveAttr, type FieldInfo, type ResolvedAttr } from './attributes.js';
import type { Budget, Resolve } from './reachability.js';

/**
 * The scheme's declarations, first declaration winning over a duplicate (which is an
 * error). Maps, never objects: `__proto__` and `constructor` are legal names.
 */
export interface Symbols {
  readonly routes: ReadonlyMap<string, RouteStmt>;
  readonly fields: ReadonlyMap<string, FieldInfo>;
  readonly blocks: ReadonlyMap<string, BlockStmt>;
  readonly services: ReadonlyMap<string, ServiceStmt>;
  /** As settingsOf (compiler/lower.ts) gives them: a default where a line is missing or invalid. */
  readonly settings: SchemeSettings;
}

export interface CheckContext {
  readonly symbols: Symbols;
  /** The parse had syntax errors, so declarations may be missing from the AST. */
  readonly partial: boolean;
  readonly diagnostics: Diagnostic[];
  readonly usedRoutes: Set<string>;
  readonly usedFields: Set<string>;
  /** Attribute lookup against this scheme's fields (see resolver). */
  readonly resolve: Resolve;
  /** The reachability analysis's steps, shared by every chain of the scheme. */
  readonly budget: Budget;
}

export function hasOption(route: RouteStmt, kind: 'p2p' | 'disabled'): boolean {
  return route.options.some((o) => o.kind === kind);
}

/** "line 3", for messages that point back at a first declaration. */
export function lineOf(node: { readonly span: { readonly start: { readonly line: number } } }): string {
  return `line ${node.span.start.line}`;
}

/**
 * Attribute lookup against `fields`, once per name: a scheme reads the same few attributes in
 * every condition, and both the type checks and the reachability analysis look each one up.
 */
export function resolver(fields: ReadonlyMap<string, FieldInfo>): Resolve {
  const known = [new Map<string, ResolvedAttr | undefined>(), new Map<string, ResolvedAttr | undefined>()];
  return (attr: AttrRef) => {
    const cache = known[attr.isField ? 1 : 0]!;
    if (cache.has(attr.name)) return cache.get(attr.name);
    const found = resolveAttr(attr, fields);
    cache.set(attr.name, found);
    return found;
  };
}
