// parse(source): lexing and parsing with recovery. Never throws; problems are diagnostics.
import type { ILexingError, IRecognitionException, IToken } from 'chevrotain';
import type { Comment, SchemeFile, Span } from './ast.js';
import { error, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { descend, type Descended } from './descent.js';
import { checkLimits, LIMITS } from './limits.js';
import { SluiceParser } from './parser.js';
import { join, pointSpan, tokenEnd, tokenSpan } from './span.js';
import { tokenize } from './lexer.js';
import { Token } from './scan.js';
import { Newline } from './tokens.js';

export { LIMITS } from './limits.js';

export interface ParseResult {
  readonly ast: SchemeFile;
  readonly comments: readonly Comment[];
  /** Significant tokens (no whitespace, no comments), for the editor. */
  readonly tokens: readonly IToken[];
  readonly diagnostics: readonly Diagnostic[];
}

const parser = new SluiceParser();

export function parse(source: string): ParseResult {
  const empty = emptyFile(source);
  if (source.length > LIMITS.sourceLength) {
    const message = `the scheme is ${source.length} characters long; the limit is ${LIMITS.sourceLength}`;
    return { ...empty, diagnostics: [error('E_TOO_LARGE', message, pointSpan(empty.ast.span.start))] };
  }
  const lexed = tokenize(source);
  const comments = (lexed.groups['comments'] ?? []).map((t) => ({ text: t.image.trimEnd(), span: tokenSpan(t) }));
  const diagnostics = lexed.errors.slice(0, LIMITS.errors).map((e) => lexDiagnostic(e, source));
  const limit = checkLimits(lexed.tokens);
  if (limit) return { ...empty, comments, tokens: lexed.tokens, diagnostics: sortDiagnostics([...diagnostics, limit]) };

  const read = readStatements(withFinalNewline(lexed.tokens));
  if (read.tooDeep) diagnostics.push(error('E_TOO_DEEP', 'the scheme is nested too deeply to read', pointSpan(empty.ast.span.start)));
  for (const e of read.errors.slice(0, LIMITS.errors)) diagnostics.push(parseDiagnostic(e));
  const tooMany = tooManyErrors(Math.max(lexed.errors.length, read.badEscapes.length), read.errors);
  if (tooMany) diagnostics.push(tooMany);
  for (const bad of read.badEscapes.slice(0, LIMITS.errors)) {
    const start = tokenSpan(bad.token).start;
    const at = { line: start.line, column: start.column + bad.index, offset: start.offset + bad.index };
    const end = { ...at, column: at.column + bad.text.length, offset: at.offset + bad.text.length };
    diagnostics.push(error('E_BAD_ESCAPE', `'${bad.text}' is not an escape; use \\" \\\\ \\n \\t or \\u{HEX}`, { start: at, end }));
  }
  const ast: SchemeFile = { ...empty.ast, statements: read.statements };
  return { ast, comments, tokens: lexed.tokens, diagnostics: sortDiagnostics(diagnostics) };
}

/** The statements read, with Chevrotain's syntax errors; `tooDeep` when reading overflowed the stack. */
interface Read extends Descended {
  readonly errors: readonly IRecognitionException[];
  readonly tooDeep: boolean;
}

/** The hand-written parser where the tokens have no syntax errors, else Chevrotain's, with recovery. */
function readStatements(tokens: IToken[]): Read {
  const fast = descend(tokens);
  return fast ? { ...fast, errors: [], tooDeep: false } : chevrotainRead(tokens);
}

/** Chevrotain's parser alone: what grammar/descent.ts must equal wherever it answers. */
export function chevrotainRead(tokens: IToken[]): Read {
  parser.input = tokens;
  parser.badEscapes = [];
  parser.statements = [];
  let tooDeep = false;
  try {
    parser.file();
  } catch (e) {
    // Only a stack overflow gets here, which the limits (grammar/limits.ts) should prevent.
    if (!(e instanceof Error)) throw e;
    tooDeep = true;
  }
  return { statements: parser.statements, badEscapes: parser.badEscapes, errors: parser.errors, tooDeep };
}

function emptyFile(source: string): ParseResult {
  const end = { line: lineCount(source), column: source.length - source.lastIndexOf('\n'), offset: source.length };
  const span: Span = { start: { line: 1, column: 1, offset: 0 }, end };
  return { ast: { kind: 'SchemeFile', statements: [], comments: [], span }, comments: [], tokens: [], diagnostics: [] };
}

/** One more than the `\n`s (each line break, `\r\n` included, has one), without splitting the source. */
function lineCount(source: string): number {
  let lines = 1;
  for (let at = source.indexOf('\n'); at >= 0; at = source.indexOf('\n', at + 1)) lines++;
  return lines;
}

/** Every statement ends with a newline; a file's last line need not have one. */
export function withFinalNewline(tokens: IToken[]): IToken[] {
  const last = tokens[tokens.length - 1];
  if (!last || last.tokenType === Newline) return tokens;
  const end = tokenEnd(last);
  const nl = new Token(Newline, '', end.offset, end.offset, end.line, end.column);
  return [...tokens, nl];
}

/** Past LIMITS.errors lexical or syntax errors (reading stops there) or bad escapes: one more diagnostic. */
function tooManyErrors(otherErrors: number, parseErrors: readonly IRecognitionException[]): Diagnostic | undefined {
  if (otherErrors <= LIMITS.errors && parseErrors.length < LIMITS.errors) return undefined;
  const last = parseErrors[parseErrors.length - 1];
  const span = last ? parseDiagnostic(last).span : pointSpan({ line: 1, column: 1, offset: 0 });
  return error('E_TOO_MANY_ERRORS', `more than ${LIMITS.errors} errors of one kind; only the first ${LIMITS.errors} are reported`, span);
}

function lexDiagnostic(e: ILexingError, source: string): Diagnostic {
  const start = { line: e.line ?? 1, column: e.column ?? 1, offset: e.offset };
  const text = source.slice(e.offset, e.offset + e.length);
  const end = { line: start.line, column: start.column + e.length, offset: e.offset + e.length };
  const message = text.startsWith('"')
    ? 'this string is not closed: add a " before the end of the line'
    : /^\d/.test(text)
      ? `'${text}' is not a number: numbers are digits with an optional decimal part, like 10 or 0.25`
      : `unexpected character${text.length > 1 ? 's' : ''} '${text}'`;
  return error('E_LEX', message, { start, end });
}

function parseDiagnostic(e: IRecognitionException): Diagnostic {
  const span = Number.isFinite(e.token.startOffset) ? tokenSpan(e.token) : lastTokenSpan(e);
  return error('E_SYNTAX', e.message, span);
}

function lastTokenSpan(e: IRecognitionException): Span {
  const prev = (e as { previousToken?: IToken }).previousToken;
  if (prev && Number.isFinite(prev.startOffset)) {
    const end = tokenEnd(prev);
    return join(pointSpan(end), pointSpan(end));
  }
  return pointSpan({ line: 1, column: 1, offset: 0 });
}
