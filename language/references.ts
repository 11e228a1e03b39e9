// Where each route, field, block and service is named: its declaration and every reference to
// it (a route in strategies, a field as fields.NAME, a service as a value of the `service`
// attribute). A scheme is one file, so these are all of them: go to definition, find
// references and rename read this.
import type * as A from '../grammar/ast.js';
import { ATTRIBUTES } from '../compiler/attributes.js';
import { bodyConditions, comparisons } from '../compiler/lower.js';
import { Identifier, KEYWORD_TYPES } from '../grammar/tokens.js';
import { lex } from './lexer.js';
import { rangeOf, type Range } from './outline.js';

export type NameKind = 'route' | 'field' | 'block' | 'service';

export interface Occurrence {
  readonly kind: NameKind;
  readonly name: string;
  /** The name itself (for a field reference, the part after `fields.`). */
  readonly range: Range;
  readonly declaration: boolean;
}

const FIELD_PREFIX = 'fields.'.length;

/** Every occurrence of a declared or referenced name, in source order. */
export function occurrences(file: A.SchemeFile): Occurrence[] {
  const out: Occurrence[] = [];
  const add = (kind: NameKind, name: A.Ident, declaration: boolean) => {
    if (name.name !== '') out.push({ kind, name: name.name, range: rangeOf(name.span), declaration });
  };
  for (const s of file.statements) {
    if (s.kind === 'RouteStmt') add('route', s.name, true);
    else if (s.kind === 'FieldStmt') add('field', s.name, true);
    else if (s.kind === 'BlockStmt') {
      add('block', s.name, true);
      out.push(...conditionRefs(s.condition));
    } else if (s.kind === 'ServiceStmt') {
      add('service', s.name, true);
      for (const c of bodyConditions(s.body)) out.push(...conditionRefs(c));
      for (const p of strategies(s.body)) for (const r of p.routes) add('route', r.name, false);
    }
  }
  return out.sort((a, b) => a.range.startLine - b.range.startLine || a.range.startColumn - b.range.startColumn);
}

function strategies(b: A.Body | A.Plan): A.StrategyStmt[] {
  switch (b.kind) {
    case 'Chain':
      return b.branches.flatMap((br) => strategies(br.body));
    case 'CascadeStmt':
      return [...b.strategies];
    case 'StrategyStmt':
      return [b];
    case 'RejectStmt':
      return [];
  }
}

/** Fields read in a condition, and services named as values of the attribute whose values are services. */
function conditionRefs(e: A.Expr): Occurrence[] {
  return comparisons(e).flatMap((c): Occurrence[] => {
    const { attr } = c;
    if (attr.isField) {
      const range = rangeOf(attr.span);
      return [{ kind: 'field', name: attr.name, range: { ...range, startColumn: range.startColumn + FIELD_PREFIX }, declaration: false }];
    }
    if (ATTRIBUTES.get(attr.name)?.type.kind !== 'name') return [];
    const values = c.kind === 'Compare' ? [c.value] : c.values;
    return values.filter((v): v is A.Ident => v.kind === 'Ident').map((v) => ({ kind: 'service', name: v.name, range: rangeOf(v.span), declaration: false }));
  });
}

/** The occurrence under a 1-based line and column (the column just after a name counts). */
export function occurrenceAt(all: readonly Occurrence[], line: number, column: number): Occurrence | undefined {
  return all.find((o) => o.range.startLine === line && o.range.startColumn <= column && column <= o.range.endColumn);
}

/** The occurrences of the same name as `o` (of its kind). */
export function sameName(all: readonly Occurrence[], o: Occurrence): Occurrence[] {
  return all.filter((x) => x.kind === o.kind && x.name === o.name);
}

export type Rename = { readonly ok: true; readonly ranges: readonly Range[] } | { readonly ok: false; readonly message: string };

/**
 * Every range to rewrite to rename the name under the cursor to `to`, or why not: `to` must be
 * a name (routes, blocks and services may not be keywords; fields may, LANGUAGE.md §1) and no
 * other declaration of that kind may have it.
 */
export function rename(file: A.SchemeFile, line: number, column: number, to: string): Rename {
  const all = occurrences(file);
  const at = occurrenceAt(all, line, column);
  if (!at) return { ok: false, message: 'only a route, field, block or service name can be renamed' };
  const problem = nameProblem(at.kind, to);
  if (problem) return { ok: false, message: problem };
  const clash = all.find((o) => o.declaration && o.kind === at.kind && o.name === to && to !== at.name);
  if (clash) return { ok: false, message: `there is already a ${at.kind} ${to}, on line ${clash.range.startLine}` };
  return { ok: true, ranges: sameName(all, at).map((o) => o.range) };
}

function nameProblem(kind: NameKind, to: string): string | undefined {
  const { tokens, comments, errors } = lex(to);
  const type = tokens.length === 1 && comments.length === 0 && errors.length === 0 ? tokens[0]!.tokenType : undefined;
  if (type === Identifier) return undefined;
  if (type && KEYWORD_TYPES.has(type)) return kind === 'field' ? undefined : `${to} is a keyword, and keywords cannot name a ${kind}`;
  return `${JSON.stringify(to)} is not a name: lowercase letters, digits and _, not starting with a digit`;
}
