// The outline (document symbols) of a scheme, from the parser's AST with its spans.
import type * as A from '../grammar/ast.js';

export type OutlineKind = 'scheme' | 'field' | 'route' | 'block' | 'service' | 'branch' | 'strategy' | 'cascade' | 'reject';

/** 1-based lines and columns, end exclusive (as the AST's spans). */
export interface Range {
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface OutlineItem {
  readonly name: string;
  readonly detail: string;
  readonly kind: OutlineKind;
  readonly range: Range;
  /** The part to select when the item is chosen (its name or keyword). */
  readonly selection: Range;
  readonly children: readonly OutlineItem[];
}

export function rangeOf(span: A.Span): Range {
  return { startLine: span.start.line, startColumn: span.start.column, endLine: span.end.line, endColumn: span.end.column };
}

/** The source text of a node, whitespace runs collapsed (conditions span one line anyway). */
export function textOf(source: string, span: A.Span): string {
  return source.slice(span.start.offset, span.end.offset).replace(/\s+/g, ' ').trim();
}

function item(name: string, detail: string, kind: OutlineKind, span: A.Span, selection: A.Span, children: OutlineItem[] = []): OutlineItem {
  return { name, detail, kind, range: rangeOf(span), selection: rangeOf(selection), children };
}

export function outline(file: A.SchemeFile, source: string): OutlineItem[] {
  const out: OutlineItem[] = [];
  for (const s of file.statements) {
    switch (s.kind) {
      case 'SchemeStmt':
        out.push(item(s.name.name || 'scheme', 'scheme', 'scheme', s.span, s.name.span));
        break;
      case 'FieldStmt':
        out.push(item(s.name.name, `${s.type}${s.required ? ' required' : ''}`, 'field', s.span, s.name.span));
        break;
      case 'RouteStmt':
        out.push(item(s.name.name, textOf(source, { start: s.currency.span.start, end: s.span.end }), 'route', s.span, s.name.span));
        break;
      case 'BlockStmt':
        out.push(item(s.name.name, textOf(source, s.condition.span), 'block', s.span, s.name.span));
        break;
      case 'ServiceStmt':
        out.push(item(s.name.name, 'service', 'service', s.span, s.name.span, body(s.body, source)));
        break;
      default:
        break;
    }
  }
  return out.filter((i) => i.name !== '');
}

function body(b: A.Body, source: string): OutlineItem[] {
  if (b.kind === 'Chain') return b.branches.map((br, i) => branch(br, i, source));
  return [plan(b, source)];
}

function branch(b: A.Branch, index: number, source: string): OutlineItem {
  const cond = b.condition ? textOf(source, b.condition.span) : '';
  const name = b.condition ? `${index === 0 ? 'when' : 'else when'} ${cond}` : 'else';
  return item(name, '', 'branch', b.span, b.keywordSpan, body(b.body, source));
}

function plan(p: A.Plan, source: string): OutlineItem {
  switch (p.kind) {
    case 'StrategyStmt':
      return item(p.strategy, p.routes.map((r) => r.name.name).join(', '), 'strategy', p.span, p.strategySpan);
    case 'CascadeStmt':
      return item('cascade', `${p.strategies.length} strategies`, 'cascade', p.span, p.span, p.strategies.map((s) => plan(s, source)));
    case 'RejectStmt':
      return item('reject', p.reason.raw, 'reject', p.span, p.span);
  }
}
