// Documented limits that keep hostile input from exhausting the process (docs/language.md
// "Limits", docs/reliability.md). Checked on the token stream, before parsing, in one pass,
// so a source over a limit costs no recursion anywhere: it gets one diagnostic at the token
// that crossed the limit, with a code, and an empty AST.
import type { IToken } from 'chevrotain';
import { error, type Diagnostic } from './diagnostics.js';
import { tokenSpan } from './span.js';
import { Comma, Kw, LBrace, LBracket, LParen, Newline, RBrace, RBracket, RParen } from './tokens.js';

export const LIMITS = {
  /** Largest accepted source, in characters (E_TOO_LARGE): room for the 10,000-rule benchmark scheme (1.14 million). */
  sourceLength: 2_000_000,
  /** Deepest nesting of `{`, `(`, `[` and `not` together (E_TOO_DEEP). */
  nestingDepth: 64,
  /** Most items in one comma-separated list: `[...]`, a strategy's routes, `one_of` values (E_TOO_LONG). */
  listLength: 10_000,
  /** Most `and`/`or` operators in one condition (E_TOO_LONG). */
  conditionOperators: 500,
  /** Most lexical and syntax errors reported; reading stops there (E_TOO_MANY_ERRORS). */
  errors: 100,
} as const;

/** One open `{`, `(` or `[` (or the statement line itself, at the bottom). */
interface Frame {
  /** Unary `not`s that apply to what follows, until the next `and`/`or` at this level. */
  nots: number;
  commas: number;
}

class LimitScanner {
  private readonly frames: Frame[] = [{ nots: 0, commas: 0 }];
  private nots = 0;
  private operators = 0;

  /** The diagnostic for the first token past a limit, if any. */
  scan(tokens: readonly IToken[]): Diagnostic | undefined {
    for (const t of tokens) {
      const problem = this.step(t);
      if (problem) return error(problem.code, problem.message, tokenSpan(t));
    }
    return undefined;
  }

  private get top(): Frame {
    return this.frames[this.frames.length - 1]!;
  }

  private step(t: IToken): { code: string; message: string } | undefined {
    const type = t.tokenType;
    if (type === LBrace) this.endNots(this.top); // `{` ends the condition before it
    if (type === LBrace || type === LParen || type === LBracket) this.frames.push({ nots: 0, commas: 0 });
    else if (type === RBrace || type === RParen || type === RBracket) this.close();
    else if (type === Kw.not) this.addNot();
    else if (type === Kw.and || type === Kw.or) return this.operator();
    else if (type === Comma) return this.comma();
    else if (type === Newline) this.newline();
    return this.depth() > LIMITS.nestingDepth ? { code: 'E_TOO_DEEP', message: `nesting (of {, (, [ and not) is deeper than ${LIMITS.nestingDepth} levels` } : undefined;
  }

  private depth(): number {
    return this.frames.length - 1 + this.nots;
  }

  private close(): void {
    if (this.frames.length === 1) return;
    this.nots -= this.frames.pop()!.nots;
  }

  private addNot(): void {
    this.top.nots++;
    this.nots++;
  }

  private endNots(frame: Frame): void {
    this.nots -= frame.nots;
    frame.nots = 0;
  }

  private operator(): { code: string; message: string } | undefined {
    this.endNots(this.top);
    if (++this.operators <= LIMITS.conditionOperators) return undefined;
    return { code: 'E_TOO_LONG', message: `this condition has more than ${LIMITS.conditionOperators} 'and'/'or' operators` };
  }

  private comma(): { code: string; message: string } | undefined {
    if (++this.top.commas < LIMITS.listLength) return undefined;
    return { code: 'E_TOO_LONG', message: `this list has more than ${LIMITS.listLength} items` };
  }

  /** A condition, a list and a run of `not`s never span lines; braces do. */
  private newline(): void {
    this.operators = 0;
    for (const f of this.frames) {
      this.endNots(f);
      f.commas = 0;
    }
  }
}

/** The first limit a token stream crosses, as a diagnostic at the token that crossed it. */
export function checkLimits(tokens: readonly IToken[]): Diagnostic | undefined {
  return new LimitScanner().scan(tokens);
}
