// The Markdown subset the semantic diff is shown with (editor/console-model/markdown.ts): what
// `sluice diff` writes reads as headings, code, tables and lists; anything else stays text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffSchemes } from '../compiler/diff/diff.js';
import { decisionImpact } from '../compiler/diff/impact.js';
import { renderDiff } from '../compiler/diff/render.js';
import { inlines, parseMarkdown, type Block, type Inline } from '../editor/console-model/markdown.js';
import { compile } from '../index.js';

const OLD = 'scheme s\nroute a EUR fee 1.00\nroute b EUR fee 2.00\n\nservice x {\n  when amount > 100 {\n    optimal a\n  } else {\n    reject "small | `odd` <b>"\n  }\n}\n';
const NEW = OLD.replace('fee 1.00', 'fee 3.00').replace('optimal a', 'optimal b').replace('small |', 'tiny |');
const text = (parts: readonly Inline[]) => parts.map((p) => (p.code ? `\`${p.text}\`` : p.text)).join('');

describe('parseMarkdown', () => {
  it("reads sluice diff's output: headings, diff blocks, the impact table and its examples", () => {
    const before = compile(OLD).scheme!;
    const after = compile(NEW).scheme!;
    const requests = ['150.00', '50.00'].map((amount, i) => ({ line: i + 1, json: { amount, currency: 'EUR', service: 'x' } }));
    const md = renderDiff(diffSchemes(before.ast, after.ast), decisionImpact(before, after, requests, undefined), { old: 'v1', new: 'editor', requests: 'r.jsonl' });
    const blocks = parseMarkdown(md);
    expect(blocks.map((b) => b.kind)).toEqual(['heading', 'heading', 'code', 'heading', 'code', 'heading', 'paragraph', 'table', 'paragraph', 'list']);
    expect(blocks[0]).toEqual({ kind: 'heading', level: 2, content: [{ code: false, text: 'sluice diff: v1 → editor' }] });
    const routes = blocks[2] as Extract<Block, { kind: 'code' }>;
    expect(routes.lang).toBe('diff');
    expect(routes.lines.join('\n')).toMatch(/^~ route a\n {4}fee +1\.00 → 3\.00/);
    const table = blocks[7] as Extract<Block, { kind: 'table' }>;
    expect(table.header.map(text)).toEqual(['old', 'new', 'count']);
    expect(table.align).toEqual([null, null, 'right']);
    expect(table.rows.map((r) => r.map(text))).toEqual([['a', 'b', '1']]);
    // A reject's reason stays as written inside its code block.
    expect((blocks[4] as Extract<Block, { kind: 'code' }>).lines.join('\n')).toContain('reject  "small | `odd` <b>" → "tiny | `odd` <b>"');
    const list = blocks[9] as Extract<Block, { kind: 'list' }>;
    expect(list.items.map(text)).toEqual(['line 1: `a 150.00 EUR fee 1.00` → `b 150.00 EUR fee 2.00`']);
  });

  it.each([
    ['# a\n###### b\n####### c', [{ kind: 'heading', level: 1, content: [{ code: false, text: 'a' }] }, { kind: 'heading', level: 6, content: [{ code: false, text: 'b' }] }, { kind: 'paragraph', content: [{ code: false, text: '####### c' }] }]],
    ['one\ntwo\n\nthree', [{ kind: 'paragraph', content: [{ code: false, text: 'one two' }] }, { kind: 'paragraph', content: [{ code: false, text: 'three' }] }]],
    ['```\nx\n', [{ kind: 'code', lang: '', lines: ['x', ''] }]],
    ['- a\n* b\ntext', [{ kind: 'list', items: [[{ code: false, text: 'a' }], [{ code: false, text: 'b' }]] }, { kind: 'paragraph', content: [{ code: false, text: 'text' }] }]],
    ['| a |\nno rule', [{ kind: 'paragraph', content: [{ code: false, text: '| a | no rule' }] }]],
    ['|:-|:-:|\n', [{ kind: 'paragraph', content: [{ code: false, text: '|:-|:-:|' }] }]],
    ['| a | b |\n|:--|:-:|\n| 1 |', [{ kind: 'table', header: [[{ code: false, text: 'a' }], [{ code: false, text: 'b' }]], align: ['left', 'center'], rows: [[[{ code: false, text: '1' }]]] }]],
  ] as const)('%j', (input, blocks) => {
    expect(parseMarkdown(input)).toEqual(blocks);
  });

  it('keeps markup-looking text as text (the page sets it with textContent)', () => {
    expect(parseMarkdown('<img src=x onerror=alert(1)> **b** [l](javascript:x)')).toEqual([
      { kind: 'paragraph', content: [{ code: false, text: '<img src=x onerror=alert(1)> **b** [l](javascript:x)' }] },
    ]);
    expect(inlines('a `b` c `d')).toEqual([{ code: false, text: 'a ' }, { code: true, text: 'b' }, { code: false, text: ' c `d' }]);
  });

  it('reads any text into blocks that hold every one of its non-blank lines (seed 17)', () => {
    const line = fc.stringMatching(/^[#|`\- *:a-z<>]{0,12}$/);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const blocks = parseMarkdown(lines.join('\n'));
        const words = (s: string) => s.replace(/[#|`\-*:\s]/g, '');
        const shown = blocks
          .map((b) => (b.kind === 'code' ? b.lines.join('') : b.kind === 'table' ? [...b.header, ...b.rows.flat()].map(text).join('') : b.kind === 'list' ? b.items.map(text).join('') : text(b.content)))
          .join('');
        expect(words(shown)).toBe(words(lines.filter((l) => !/^```/.test(l)).join('')));
      }),
      { seed: 17, numRuns: 400, verbose: true },
    );
  });
});
