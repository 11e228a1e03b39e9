// What may follow a prefix of a scheme, for the editor's completion: Chevrotain's content
// assist over the grammar itself (grammar/parser.ts), so a new statement or option is offered
// without an edit in the editor. Content assist interprets the grammar token by token (some
// µs a token, 35 ms for a 250-branch service), so the prefix is first shortened to what decides
// the answer: at each depth, the first and last lines and the unfinished one, and on a line the
// first and last branches. test/assist.test.ts checks the answers agree.
import type { IToken, TokenType } from 'chevrotain';
import { SluiceParser } from './parser.js';
import { LBrace, Newline, RBrace } from './tokens.js';

export interface NextToken {
  readonly type: TokenType;
  /** The rule that would read it: `strategy`, `comparison`, `value`, ... */
  readonly rule: string;
}

let parser: SluiceParser | undefined;

function assist(rule: string, tokens: IToken[]): NextToken[] {
  parser ??= new SluiceParser();
  const seen = new Set<string>();
  const out: NextToken[] = [];
  for (const path of parser.computeContentAssist(rule, tokens)) {
    const next = { type: path.nextTokenType, rule: path.ruleStack[path.ruleStack.length - 1]! };
    const key = `${next.type.name} ${next.rule}`;
    if (!seen.has(key)) out.push(next), seen.add(key);
  }
  return out;
}

/** The tokens that may follow `prefix`, a scheme's tokens from its start (no comments). */
export function nextTokens(prefix: readonly IToken[]): NextToken[] {
  return assist('file', shorten(prefix));
}

/**
 * What may follow `line`, the tokens of one line, read as the start of any rule: for a line
 * the text before it does not accept (a misplaced line, or an error above it).
 */
export function nextTokensOfLine(line: readonly IToken[]): NextToken[] {
  if (line.length === 0) return [];
  parser ??= new SluiceParser();
  return Object.keys(parser.getGAstProductions()).flatMap((rule) => assist(rule, [...line]));
}

// ---- shortening ----

/** A `{ ... }` with what it holds; `close` is undefined for the block the prefix ends in. */
interface Group {
  readonly open: IToken;
  readonly content: Node[];
  close: IToken | undefined;
}
type Node = IToken | Group;

const isGroup = (n: Node | undefined): n is Group => n !== undefined && 'content' in n;
const isNewline = (n: Node | undefined): boolean => n !== undefined && !isGroup(n) && n.tokenType === Newline;

/** The prefix as nested blocks; a `}` without its `{` stays a token (a syntax error anyway). */
function nest(tokens: readonly IToken[]): Node[] {
  const top: Node[] = [];
  const open: Group[] = [];
  for (const t of tokens) {
    const into = open[open.length - 1]?.content ?? top;
    if (t.tokenType === LBrace) {
      const g: Group = { open: t, content: [], close: undefined };
      into.push(g);
      open.push(g);
    } else if (t.tokenType === RBrace && open.length) {
      open.pop()!.close = t;
    } else {
      into.push(t);
    }
  }
  return top;
}

function flatten(nodes: readonly Node[], out: IToken[] = []): IToken[] {
  for (const n of nodes) {
    if (!isGroup(n)) out.push(n);
    else {
      out.push(n.open);
      flatten(n.content, out);
      if (n.close) out.push(n.close);
    }
  }
  return out;
}

/** Lines at one depth: each its nodes and the newlines ending it; the last may have none. */
function lines(nodes: readonly Node[]): Node[][] {
  const out: Node[][] = [];
  let line: Node[] = [];
  for (let i = 0; i < nodes.length; i++) {
    line.push(nodes[i]!);
    if (isNewline(nodes[i]) && !isNewline(nodes[i + 1])) out.push(line), (line = []);
  }
  if (line.length) out.push(line);
  return out;
}

/** Removes and returns the unfinished last line of `all` (empty when all lines end). */
function takeUnfinished(all: Node[][]): Node[] {
  const last = all[all.length - 1];
  return last && !isNewline(last[last.length - 1]) ? all.pop()! : [];
}

/** The first and last of a run (a repetition of the grammar reads the same after both). */
const ends = <T>(items: readonly T[]): T[] => (items.length > 2 ? [items[0]!, items[items.length - 1]!] : [...items]);

/** A line's branches (`... { }` each) down to the first and last, with their blocks shortened. */
function shortenLine(line: readonly Node[]): Node[] {
  const segments: Node[][] = [[]];
  for (const n of line) {
    segments[segments.length - 1]!.push(isGroup(n) ? shortenGroup(n) : n);
    if (isGroup(n) && n.close) segments.push([]);
  }
  const tail = segments.pop()!;
  return [...ends(segments).flat(), ...tail];
}

/** A block's lines (or the file's) down to the first and last, and the unfinished one. */
function shortenLines(nodes: readonly Node[], finished: boolean): Node[] {
  const all = lines(nodes);
  const unfinished = finished ? [] : takeUnfinished(all);
  const lead = all[0]?.every(isNewline) ? all.shift()! : [];
  return [lead, ...ends(all), unfinished].flatMap(shortenLine);
}

function shortenGroup(g: Group): Group {
  return { open: g.open, content: shortenLines(g.content, g.close !== undefined), close: g.close };
}

function shorten(prefix: readonly IToken[]): IToken[] {
  return flatten(shortenLines(nest(prefix), false));
}
