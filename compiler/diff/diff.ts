// The semantic diff of two schemes: what changed, named by structure (setting, field, route,
// block, service, branch path), never by line. Layout and comments are not changes, nor are
// literals that mean the same (`1000` and `1000.00`). Pure: ASTs in, a plain object out.
import type * as A from '../../grammar/ast.js';
import { diffService, bodyText } from './branches.js';
import {
  attrDetails, blockAttrs, blockOrder, diffNamed, fieldAttrs, FIELD_ATTRS, routeAttrs, ROUTE_ATTRS,
  statementText, type Attr,
} from './items.js';
import { settingsOf, servicesOf } from '../lower.js';
import { requiredAttributes } from '../schema.js';

export type ChangeKind = 'added' | 'removed' | 'changed' | 'reordered';

/** One attribute's old and new text; null where it is absent. */
export interface Detail {
  readonly attribute: string;
  readonly old: string | null;
  readonly new: string | null;
}

export interface ItemChange {
  readonly change: ChangeKind;
  readonly name: string;
  /** The whole item as one line, before and after (null when absent). */
  readonly old: string | null;
  readonly new: string | null;
  readonly details: readonly Detail[];
}

export interface BranchChange extends ItemChange {
  readonly service: string;
  /** Branch labels below the service (`when amount >= 10000 EUR`, `else`); empty for the service's own plan. */
  readonly path: readonly string[];
}

export interface SchemeDiff {
  readonly settings: readonly Detail[];
  readonly fields: readonly ItemChange[];
  readonly routes: readonly ItemChange[];
  readonly blocks: readonly ItemChange[];
  /** Services added or removed; changes inside a kept service are `branches`. */
  readonly services: readonly ItemChange[];
  readonly branches: readonly BranchChange[];
}

export function diffSchemes(before: A.SchemeFile, after: A.SchemeFile): SchemeDiff {
  const blocks = [...diffNamed(only(before, 'BlockStmt'), only(after, 'BlockStmt'), blockAttrs, ['condition'], statementText)];
  blocks.push(...blockOrder(only(before, 'BlockStmt'), only(after, 'BlockStmt')));
  return {
    settings: diffSettings(before, after),
    fields: diffNamed(only(before, 'FieldStmt'), only(after, 'FieldStmt'), fieldAttrs, FIELD_ATTRS, statementText),
    routes: diffNamed(only(before, 'RouteStmt'), only(after, 'RouteStmt'), routeAttrs, ROUTE_ATTRS, statementText),
    blocks,
    ...diffServices(before, after),
  };
}

export function hasChanges(d: SchemeDiff): boolean {
  return [d.settings, d.fields, d.routes, d.blocks, d.services, d.branches].some((list) => list.length > 0);
}

type StmtOf<K extends A.TopStmt['kind']> = Extract<A.TopStmt, { kind: K }>;

function only<K extends A.TopStmt['kind']>(file: A.SchemeFile, kind: K): StmtOf<K>[] {
  return file.statements.filter((s): s is StmtOf<K> => s.kind === kind);
}

const SETTINGS = ['scheme', 'mode', 'rates', 'base', 'attempts', 'p2p first', 'require'];

function diffSettings(before: A.SchemeFile, after: A.SchemeFile): Detail[] {
  return attrDetails(settingAttrs(before), settingAttrs(after), SETTINGS);
}

/** Settings with their defaults filled in: leaving out `base EUR` changes nothing. */
function settingAttrs(file: A.SchemeFile): Map<string, Attr> {
  const s = settingsOf(file);
  const values: [string, string][] = [
    ['scheme', s.name],
    ['mode', s.mode],
    ['rates', s.rates ?? '(none)'],
    ['base', s.base],
    ['attempts', String(s.attempts)],
    ['p2p first', s.p2pFirst ? 'yes' : 'no'],
    ['require', [...requiredAttributes(file)].sort().join(', ') || '(none)'],
  ];
  return new Map(values.map(([k, v]) => [k, { key: v, text: v }]));
}

function diffServices(before: A.SchemeFile, after: A.SchemeFile): Pick<SchemeDiff, 'services' | 'branches'> {
  const old = servicesOf(before);
  const neu = servicesOf(after);
  const services: ItemChange[] = [];
  const branches: BranchChange[] = [];
  for (const [name, s] of old) {
    const t = neu.get(name);
    if (t) branches.push(...diffService(name, s.body, t.body));
    else services.push({ change: 'removed', name, old: bodyText(s.body), new: null, details: [] });
  }
  for (const [name, t] of neu) if (!old.has(name)) services.push({ change: 'added', name, old: null, new: bodyText(t.body), details: [] });
  return { services, branches };
}
