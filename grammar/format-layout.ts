// Statements as canonical output lines (LANGUAGE.md §7). Each line remembers the source lines
// it came from, so comments and blank lines can later be put back where the author had them.
import type {
  Body, Branch, CascadeStmt, Chain, FieldStmt, P2POption, RouteOption, RouteStmt, ServiceStmt,
  StrategyStmt, TopStmt,
} from './ast.js';
import { exprText, percentText } from './format-expr.js';

export interface OutLine {
  /** Levels of two-space indent. */
  readonly depth: number;
  readonly text: string;
  /** First and last source line it came from: a `} else {` line spans the `}` and the `else`. */
  readonly first: number;
  readonly last: number;
  /** A p2p option line belongs to the strategy above it: no blank line may separate them. */
  readonly attached: boolean;
}

function line(depth: number, text: string, first: number, last = first): OutLine {
  return { depth, text, first, last, attached: false };
}

export function layoutStatements(statements: readonly TopStmt[]): OutLine[] {
  return statements.flatMap(topLines);
}

function topLines(s: TopStmt): OutLine[] {
  return s.kind === 'ServiceStmt' ? serviceLines(s) : [line(0, topText(s), s.span.start.line)];
}

function topText(s: Exclude<TopStmt, ServiceStmt>): string {
  switch (s.kind) {
    case 'SchemeStmt':
      return `scheme ${s.name.name}`;
    case 'ModeStmt':
      return `mode ${s.mode}`;
    case 'RatesStmt':
      return `rates ${s.name.name}`;
    case 'BaseStmt':
      return `base ${s.currency.code}`;
    case 'AttemptsStmt':
      return `attempts ${s.count.text}`;
    case 'P2PFirstStmt':
      return 'p2p first';
    case 'RequireStmt':
      return `require ${s.attributes.map((a) => a.name).join(', ')}`;
    case 'FieldStmt':
      return fieldText(s);
    case 'RouteStmt':
      return routeText(s);
    case 'BlockStmt':
      return `block ${s.name.name} when ${exprText(s.condition)}`;
  }
}

function fieldText(s: FieldStmt): string {
  const values = s.values.length ? ` ${s.values.map((v) => v.raw).join(', ')}` : '';
  return `field ${s.name.name} ${s.type}${values}${s.required ? ' required' : ''}`;
}

function routeText(s: RouteStmt): string {
  return [`route ${s.name.name} ${s.currency.code}`, ...s.options.map(routeOptionText)].join(' ');
}

function routeOptionText(o: RouteOption): string {
  switch (o.kind) {
    case 'fee':
      return `fee ${[o.percent && percentText(o.percent), o.fixed?.text].filter(Boolean).join(' + ')}`;
    case 'markup':
      return `markup ${percentText(o.percent)}`;
    case 'min':
    case 'max':
    case 'daily':
    case 'monthly':
      return `${o.kind} ${o.amount.text}`;
    case 'p2p':
    case 'disabled':
      return o.kind;
  }
}

function serviceLines(s: ServiceStmt): OutLine[] {
  return [
    line(0, `service ${s.name.name} {`, s.span.start.line),
    ...bodyLines(s.body, 1),
    line(0, '}', s.closeSpan.start.line),
  ];
}

function bodyLines(body: Body, depth: number): OutLine[] {
  switch (body.kind) {
    case 'Chain':
      return chainLines(body, depth);
    case 'StrategyStmt':
      return strategyLines(body, depth);
    case 'CascadeStmt':
      return cascadeLines(body, depth);
    case 'RejectStmt':
      return [line(depth, `reject ${body.reason.raw}`, body.span.start.line)];
  }
}

/** `when C {` ... `} else when C {` ... `} else {` ... `}`: each `}` joins the next branch's line. */
function chainLines(chain: Chain, depth: number): OutLine[] {
  const out: OutLine[] = [];
  let previous: Branch | undefined;
  for (const branch of chain.branches) {
    const head = branchHead(branch, previous === undefined);
    const at = branch.keywordSpan.start.line;
    out.push(previous ? line(depth, `} ${head} {`, previous.closeSpan.start.line, at) : line(depth, `${head} {`, at));
    out.push(...bodyLines(branch.body, depth + 1));
    previous = branch;
  }
  if (previous) out.push(line(depth, '}', previous.closeSpan.start.line));
  return out;
}

function branchHead(branch: Branch, first: boolean): string {
  const words = first ? [] : ['else'];
  if (branch.condition) words.push('when', exprText(branch.condition));
  return words.join(' ');
}

function cascadeLines(c: CascadeStmt, depth: number): OutLine[] {
  return [
    line(depth, 'cascade {', c.span.start.line),
    ...c.strategies.flatMap((s) => strategyLines(s, depth + 1)),
    line(depth, '}', c.closeSpan.start.line),
  ];
}

/** A strategy's line without its p2p options: `weight a 70%, b 30% split`. */
export function strategyHeadText(s: StrategyStmt): string {
  const routes = s.routes.map((r) => (r.weight ? `${r.name.name} ${percentText(r.weight)}` : r.name.name));
  return `${s.strategy} ${routes.join(', ')}${s.split ? ' split' : ''}`;
}

function strategyLines(s: StrategyStmt, depth: number): OutLine[] {
  const head = line(depth, strategyHeadText(s), s.span.start.line);
  if (!s.p2p) return [head];
  const options = s.p2p.options.map(p2pOptionText).join(', ');
  return [head, { ...line(depth + 1, `p2p ${options}`, s.p2p.span.start.line), attached: true }];
}

export function p2pOptionText(o: P2POption): string {
  switch (o.kind) {
    case 'sort':
      return `sort ${o.order}`;
    case 'min_amount':
    case 'min_remainder':
      return `${o.kind} ${o.amount.text}`;
    case 'urgent':
      return `urgent ${o.duration.text}`;
  }
}
