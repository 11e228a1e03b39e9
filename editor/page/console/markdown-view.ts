// Markdown blocks (console-model/markdown.ts) as elements: every piece of text goes in through
// textContent, so a name or a reason in a diff is shown, never run. A ```diff block colours its
// lines by their mark (+ added, - removed, ~ changed).
import { parseMarkdown, type Block, type Inline } from '../../console-model/markdown.js';
import { h } from './dom.js';

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const;
const DIFF_LINE: Record<string, string> = { '+': 'md-add', '-': 'md-del', '~': 'md-change' };

const inline = (parts: readonly Inline[]): (Node | string)[] => parts.map((p) => (p.code ? h('code', {}, p.text) : p.text));

function codeBlock(b: Extract<Block, { kind: 'code' }>): HTMLElement {
  const lines = b.lines.map((line) => h('span', { class: `md-line ${b.lang === 'diff' ? (DIFF_LINE[line[0] ?? ''] ?? '') : ''}` }, `${line}\n`));
  return h('pre', { class: 'md-code' }, h('code', {}, ...lines));
}

function table(b: Extract<Block, { kind: 'table' }>): HTMLElement {
  const cell = (tag: 'th' | 'td', parts: readonly Inline[], i: number) => h(tag, { class: b.align[i] === 'right' ? 'num' : undefined }, ...inline(parts));
  return h(
    'table',
    { class: 'grid md-table' },
    h('thead', {}, h('tr', {}, ...b.header.map((c, i) => cell('th', c, i)))),
    h('tbody', {}, ...b.rows.map((r) => h('tr', {}, ...r.map((c, i) => cell('td', c, i))))),
  );
}

function block(b: Block): HTMLElement {
  switch (b.kind) {
    case 'heading':
      return h(HEADINGS[Math.min(b.level, 6) - 1]!, {}, ...inline(b.content));
    case 'paragraph':
      return h('p', {}, ...inline(b.content));
    case 'list':
      return h('ul', {}, ...b.items.map((item) => h('li', {}, ...inline(item))));
    case 'code':
      return codeBlock(b);
    case 'table':
      return table(b);
  }
}

/** Replaces `el`'s content with the Markdown `text`, rendered. */
export function renderMarkdown(el: HTMLElement, text: string): void {
  el.replaceChildren(...parseMarkdown(text).map(block));
  el.classList.add('markdown');
}
