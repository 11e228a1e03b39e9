// The semantic diff as Markdown that also reads well in a terminal: a heading per section,
// its changes in a ```diff block (`+` added, `-` removed, `~` changed, details indented below
// their item), and the decision impact as a table, so the output pastes into a code review.
import type { Impact } from './impact.js';
import { hasChanges, type Detail, type ItemChange, type SchemeDiff } from './diff.js';

export interface RenderNames {
  readonly old: string;
  readonly new: string;
  readonly requests?: string;
}

const MARK = { added: '+', removed: '-', changed: '~', reordered: '~' } as const;
const INDENT = '    ';

export function renderDiff(diff: SchemeDiff, impact: Impact | null, names: RenderNames): string {
  const parts = [`## sluice diff: ${names.old} → ${names.new}`];
  if (!hasChanges(diff)) parts.push('No semantic change.');
  if (diff.settings.length) parts.push(section('Settings', alignedDetails(diff.settings, '~ ')));
  parts.push(...itemSection('Fields', 'field', diff.fields));
  parts.push(...itemSection('Routes', 'route', diff.routes));
  parts.push(...itemSection('Blocks', 'block', diff.blocks));
  parts.push(...itemSection('Services', 'service', diff.services));
  parts.push(...itemSection('Branches', null, diff.branches));
  if (impact) parts.push(renderImpact(impact, names.requests ?? 'the requests'));
  return `${parts.join('\n\n')}\n`;
}

function section(title: string, lines: readonly string[]): string {
  return [`### ${title}`, '```diff', ...lines, '```'].join('\n');
}

/** `keyword` null: branches, named by path, their plans shown on a line of their own. */
function itemSection(title: string, keyword: string | null, items: readonly ItemChange[]): string[] {
  return items.length ? [section(title, items.flatMap((i) => itemLines(keyword, i)))] : [];
}

function itemLines(keyword: string | null, item: ItemChange): string[] {
  const mark = MARK[item.change];
  if (item.change === 'reordered') {
    return [`${mark} ${item.name}: ${keyword ? 'reordered' : 'branches reordered'}`, `${INDENT}${item.old} → ${item.new}`];
  }
  const head = `${mark} ${keyword ? `${keyword} ` : ''}${item.name}`;
  if (item.change === 'added' || item.change === 'removed') {
    const text = item.new ?? item.old ?? '';
    // A declaration's line names itself; a service or branch shows its plan on the next line.
    return keyword && keyword !== 'service' ? [`${mark} ${text}`] : [head, `${mark}${INDENT.slice(1)}${text}`];
  }
  return [head, ...alignedDetails(item.details, INDENT)];
}

/** `attribute  old → new`, attribute names padded to one width. */
function alignedDetails(details: readonly Detail[], prefix: string): string[] {
  const width = Math.max(...details.map((d) => d.attribute.length));
  return details.map((d) => `${prefix}${d.attribute.padEnd(width)}  ${d.old ?? '(none)'} → ${d.new ?? '(none)'}`);
}

function renderImpact(impact: Impact, requests: string): string {
  const lines = [`### Decision impact (${impact.requests} requests from ${requests})`, summary(impact)];
  if (impact.transitions.length) lines.push('', ...table(impact));
  if (impact.examples.length) {
    lines.push('', 'Examples:');
    for (const e of impact.examples) lines.push(`- line ${e.line}: \`${e.old}\` → \`${e.new}\``);
  }
  return lines.join('\n');
}

function summary(impact: Impact): string {
  const compared = impact.requests - impact.invalid.both;
  const head = `${impact.changed} of ${compared} decisions change (${impact.unchanged} unchanged).`;
  const { old, new: neu, both } = impact.invalid;
  if (old === 0 && neu === 0) return head;
  return `${head} Invalid requests: ${old} under the old scheme, ${neu} under the new (${both} under both, not compared).`;
}

function table(impact: Impact): string[] {
  // The same route on both sides means the debit or fee changed, not the route.
  const rows = impact.transitions.map((t) => [t.old, t.old === t.new ? `${t.new} (amount or fee)` : t.new, String(t.count)]);
  const header = ['old', 'new', 'count'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const row = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 2 ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [row(header), rule, ...rows.map(row)];
}
