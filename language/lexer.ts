// The project's own lexer (grammar/tokens.ts), shared by the editor's language features.
import type { IToken } from 'chevrotain';
import { tokenize } from '../grammar/lexer.js';

export interface Lexed {
  /** Significant tokens: no whitespace, comments in `comments`. */
  readonly tokens: readonly IToken[];
  readonly comments: readonly IToken[];
  /** Characters the lexer could not read: `[offset, length]`. */
  readonly errors: readonly (readonly [number, number])[];
}

export function lex(text: string): Lexed {
  const r = tokenize(text);
  return {
    tokens: r.tokens,
    comments: r.groups['comments'] ?? [],
    errors: r.errors.map((e) => [e.offset, e.length] as const),
  };
}
