// Spans from Chevrotain tokens. Tokens inserted by error recovery have no position; they
// borrow the nearest real one so every node of a partial AST still has a usable span.
import type { IToken } from 'chevrotain';
import type { Position, Span } from './ast.js';

const ORIGIN: Position = { line: 1, column: 1, offset: 0 };

function valid(n: number | undefined): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

/**
 * `| 0` keeps a position's numbers small integers, stored in place, even when a token's are
 * boxed doubles (Chevrotain's own tokens: see grammar/scan.ts): one boxed number stored into a
 * position would make V8 box the numbers of every position made after it.
 */
function position(line: number, column: number, offset: number): Position {
  return { line: line | 0, column: column | 0, offset: offset | 0 };
}

export function tokenStart(t: IToken): Position {
  if (!valid(t.startLine) || !valid(t.startColumn)) return ORIGIN;
  return position(t.startLine, t.startColumn, t.startOffset);
}

export function tokenEnd(t: IToken): Position {
  if (!valid(t.endLine) || !valid(t.endColumn) || !valid(t.endOffset)) return tokenStart(t);
  return position(t.endLine, t.endColumn + 1, t.endOffset + 1);
}

export function tokenSpan(t: IToken): Span {
  return { start: tokenStart(t), end: tokenEnd(t) };
}

/** From the start of token `a` to the end of token `b`: join(tokenSpan(a), tokenSpan(b)) without the garbage. */
export function tokensSpan(a: IToken, b: IToken): Span {
  const start = tokenStart(a);
  const end = tokenEnd(b);
  return { start, end: end.offset >= start.offset ? end : tokenEnd(a) };
}

/** From the start of token `a` to the end of `b`: join(tokenSpan(a), b) without the garbage. */
export function tokenToSpan(a: IToken, b: Span): Span {
  const start = tokenStart(a);
  return { start, end: b.end.offset >= start.offset ? b.end : tokenEnd(a) };
}

/** From the start of `a` to the end of `b`. */
export function join(a: Span, b: Span): Span {
  return { start: a.start, end: b.end.offset >= a.start.offset ? b.end : a.end };
}

export function pointSpan(p: Position): Span {
  return { start: p, end: p };
}
