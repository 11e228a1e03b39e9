// The Markdown that `sluice diff` writes (compiler/diff/render.ts), read into blocks the page
// builds with textContent: headings, paragraphs, `-` lists, fenced code and pipe tables, with
// `inline code`. Nothing else is Markdown here: anything else is text, and no text is ever HTML.

export interface Inline {
  readonly code: boolean;
  readonly text: string;
}

export type Align = 'left' | 'right' | 'center' | null;

export type Block =
  | { readonly kind: 'heading'; readonly level: number; readonly content: readonly Inline[] }
  | { readonly kind: 'paragraph'; readonly content: readonly Inline[] }
  | { readonly kind: 'list'; readonly items: readonly (readonly Inline[])[] }
  | { readonly kind: 'code'; readonly lang: string; readonly lines: readonly string[] }
  | { readonly kind: 'table'; readonly header: readonly (readonly Inline[])[]; readonly align: readonly Align[]; readonly rows: readonly (readonly (readonly Inline[])[])[] };

const HEADING = /^(#{1,6})\s+(.*)$/;
const FENCE = /^```\s*([\w-]*)\s*$/;
const ITEM = /^[-*]\s+(.*)$/;
const RULE_CELL = /^:?-+:?$/;

/** `a \`b\` c` → text, code, text; an unclosed backtick is text. */
export function inlines(text: string): Inline[] {
  const out: Inline[] = [];
  let rest = text;
  for (let open = rest.indexOf('`'); open >= 0; open = rest.indexOf('`')) {
    const close = rest.indexOf('`', open + 1);
    if (close < 0) break;
    if (open > 0) out.push({ code: false, text: rest.slice(0, open) });
    out.push({ code: true, text: rest.slice(open + 1, close) });
    rest = rest.slice(close + 1);
  }
  if (rest) out.push({ code: false, text: rest });
  return out;
}

function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split('|').map((c) => c.trim());
}

function alignOf(rule: string): Align {
  const left = rule.startsWith(':');
  const right = rule.endsWith(':');
  return left && right ? 'center' : right ? 'right' : left ? 'left' : null;
}

const isRule = (line: string | undefined): boolean => line !== undefined && line.trim().startsWith('|') && cells(line).every((c) => RULE_CELL.test(c));

export function parseMarkdown(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    const heading = HEADING.exec(line);
    if (!line.trim()) {
      i++;
    } else if (fence) {
      const body: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
      blocks.push({ kind: 'code', lang: fence[1] ?? '', lines: body });
      i++;
    } else if (heading) {
      blocks.push({ kind: 'heading', level: heading[1]!.length, content: inlines(heading[2]!.trim()) });
      i++;
    } else if (line.trim().startsWith('|') && isRule(lines[i + 1])) {
      const header = cells(line).map(inlines);
      const align = cells(lines[i + 1]!).map(alignOf);
      const rows: Inline[][][] = [];
      for (i += 2; i < lines.length && lines[i]!.trim().startsWith('|'); i++) rows.push(cells(lines[i]!).map(inlines));
      blocks.push({ kind: 'table', header, align, rows });
    } else if (ITEM.test(line)) {
      const items: Inline[][] = [];
      for (let m: RegExpExecArray | null; i < lines.length && (m = ITEM.exec(lines[i]!)); i++) items.push(inlines(m[1]!));
      blocks.push({ kind: 'list', items });
    } else {
      const para: string[] = [];
      for (; i < lines.length && lines[i]!.trim() && !startsBlock(lines, i); i++) para.push(lines[i]!.trim());
      blocks.push({ kind: 'paragraph', content: inlines(para.join(' ')) });
    }
  }
  return blocks;
}

function startsBlock(lines: readonly string[], i: number): boolean {
  const line = lines[i]!;
  return FENCE.test(line) || HEADING.test(line) || ITEM.test(line) || (line.trim().startsWith('|') && isRule(lines[i + 1]));
}
