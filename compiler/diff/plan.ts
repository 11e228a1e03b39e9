// Plans (a strategy, a cascade of strategies, or a reject) as one line of text, and what
// changed between two of them: strategy kind, routes and weights, split, p2p options.
import type * as A from '../../grammar/ast.js';
import { percentText } from '../../grammar/format-expr.js';
import { p2pOptionText, strategyHeadText } from '../../grammar/format-layout.js';
import { attrDetails, type Attr, type Attrs } from './items.js';
import { durationKey, numberKey, percentKey } from './normal.js';
import type { Detail } from './diff.js';
import { DEFAULT_P2P } from '../lower.js';

export function strategyText(s: A.StrategyStmt): string {
  const head = strategyHeadText(s);
  return s.p2p ? `${head} (p2p ${s.p2p.options.map(p2pOptionText).join(', ')})` : head;
}

/** A cascade on one line: its members separated by `;`. */
export function planText(p: A.Plan): string {
  switch (p.kind) {
    case 'RejectStmt':
      return `reject ${p.reason.raw}`;
    case 'StrategyStmt':
      return strategyText(p);
    case 'CascadeStmt':
      return `cascade { ${p.strategies.map(strategyText).join('; ')} }`;
  }
}

function members(p: A.Plan): readonly A.StrategyStmt[] {
  return p.kind === 'CascadeStmt' ? p.strategies : p.kind === 'StrategyStmt' ? [p] : [];
}

/** What differs between two plans; empty when they decide alike. */
export function planDetails(before: A.Plan, after: A.Plan): Detail[] {
  if (before.kind === 'RejectStmt' || after.kind === 'RejectStmt') return rejectDetails(before, after);
  const a = members(before);
  const b = members(after);
  if (a.length !== b.length) return [{ attribute: 'plan', old: planText(before), new: planText(after) }];
  return a.flatMap((s, i) => {
    const prefix = a.length > 1 ? `cascade #${i + 1} ` : '';
    return attrDetails(strategyAttrs(s), strategyAttrs(b[i]!), STRATEGY_ATTRS).map((d) => ({ ...d, attribute: prefix + d.attribute }));
  });
}

function rejectDetails(before: A.Plan, after: A.Plan): Detail[] {
  if (before.kind === 'RejectStmt' && after.kind === 'RejectStmt') {
    return before.reason.value === after.reason.value ? [] : [{ attribute: 'reject', old: before.reason.raw, new: after.reason.raw }];
  }
  return [{ attribute: 'plan', old: planText(before), new: planText(after) }];
}

const STRATEGY_ATTRS = ['strategy', 'routes', 'weights', 'split', 'p2p sort', 'p2p min_amount', 'p2p min_remainder', 'p2p urgent'];

function attr(key: string, text: string = key): Attr {
  return { key, text };
}

function strategyAttrs(s: A.StrategyStmt): Attrs {
  const names = s.routes.map((r) => r.name.name);
  const map = new Map<string, Attr>([
    ['strategy', attr(s.strategy)],
    // Order matters: ties go to the route listed first.
    ['routes', attr(names.join(','), names.join(', '))],
    ['split', attr(s.split ? 'yes' : 'no')],
    ['p2p sort', attr(DEFAULT_P2P.sort)],
  ]);
  const weighted = s.routes.filter((r) => r.weight);
  if (weighted.length) {
    const key = weighted.map((r) => `${r.name.name} ${percentKey(r.weight!)}`).sort().join(',');
    map.set('weights', attr(key, weighted.map((r) => `${r.name.name} ${percentText(r.weight!)}`).join(', ')));
  }
  for (const o of s.p2p?.options ?? []) map.set(`p2p ${o.kind}`, p2pAttr(o));
  return map;
}

function p2pAttr(o: A.P2POption): Attr {
  if (o.kind === 'sort') return attr(o.order);
  if (o.kind === 'urgent') return attr(durationKey(o.duration), o.duration.text);
  return attr(numberKey(o.amount.text), o.amount.text);
}
