// Draws a decision's routing tree (console/trace-tree.ts) as nested boxes joined by lines:
// taken branches and passed blocks green, failed conditions and matched blocks red, each
// strategy with its candidates, the routes it filtered out and why, and the chosen route.
import type { TreeNode } from '../../console-model/trace-tree.js';
import { h } from './dom.js';

const ICON: Record<TreeNode['tone'], string> = { ok: '✓', fail: '✗', neutral: '•' };

function box(n: TreeNode): HTMLElement {
  const values = n.values.length ? h('div', { class: 'node-values' }, n.values.map(([k, v]) => `${k} = ${v}`).join(', ')) : null;
  const candidates = n.candidates.length
    ? h(
        'ul',
        { class: 'candidates', 'aria-label': 'candidates' },
        ...n.candidates.map((c) =>
          h(
            'li',
            { class: `cand cand-${c.state}`, title: c.reason ? `${c.route}: ${c.reason}` : `${c.route}: ${c.state}` },
            c.state === 'chosen' ? '★ ' : c.state === 'filtered' ? '⊘ ' : '',
            c.route,
            c.reason ? h('span', { class: 'why' }, ` ${c.reason}`) : null,
          ),
        ),
      )
    : null;
  return h(
    'div',
    { class: `node node-${n.kind} tone-${n.tone}`, 'data-tone': n.tone, 'data-kind': n.kind },
    h(
      'div',
      { class: 'node-head' },
      h('span', { class: 'node-icon', 'aria-hidden': 'true' }, ICON[n.tone]),
      h('span', { class: 'node-title' }, n.title),
      n.line !== undefined ? h('span', { class: 'node-line' }, `line ${n.line}`) : null,
    ),
    n.outcome ? h('div', { class: 'node-outcome' }, n.outcome) : null,
    values,
    candidates,
  );
}

function item(n: TreeNode): HTMLLIElement {
  const label = `${n.title}: ${n.outcome || n.tone}`;
  return h('li', { class: 'tree-item', 'aria-label': label }, box(n), n.children.length ? h('ul', { class: 'branches' }, ...n.children.map(item)) : null);
}

export function treeView(root: TreeNode): HTMLElement {
  return h('ul', { class: 'tree' }, item(root));
}
