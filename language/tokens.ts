// Highlighting classes from the grammar's own token definitions (grammar/tokens.ts): one
// line at a time, since no Sluice token spans lines (strings and comments end with theirs).
import { KwSet, TOKEN_CLASSES } from '../grammar/tokens.js';
import { lex } from './lexer.js';

export type TokenClass =
  | 'keyword'
  | 'strategy'
  | 'number'
  | 'string'
  | 'code'
  | 'field'
  | 'comment'
  | 'identifier'
  | 'operator'
  | 'delimiter'
  | 'invalid';

/** A highlighted piece of one line; `start` is a 0-based column. */
export interface LineToken {
  readonly start: number;
  readonly length: number;
  readonly cls: TokenClass;
}

const CLASS_OF: ReadonlyMap<string, TokenClass> = new Map(
  (Object.entries(TOKEN_CLASSES) as [Exclude<TokenClass, 'strategy' | 'delimiter' | 'invalid'>, readonly string[]][]).flatMap(
    ([cls, names]) => names.map((n) => [n, cls] as const),
  ),
);
const STRATEGY_TOKENS: ReadonlySet<string> = new Set(KwSet.strategy.map((t) => t.name));

/** The class of a token type name (`Kw_route`, `Number`, `LBrace`, ...). */
export function tokenClass(tokenName: string): TokenClass {
  if (STRATEGY_TOKENS.has(tokenName)) return 'strategy';
  return CLASS_OF.get(tokenName) ?? 'delimiter';
}

/** Tokens of one line, in order, without whitespace; unreadable characters are `invalid`. */
export function classifyLine(line: string): LineToken[] {
  const { tokens, comments, errors } = lex(line);
  const out: LineToken[] = [
    ...[...tokens, ...comments].map((t) => ({ start: t.startOffset, length: t.image.length, cls: tokenClass(t.tokenType.name) })),
    ...errors.map(([start, length]) => ({ start, length, cls: 'invalid' as const })),
  ];
  return out.filter((t) => t.length > 0).sort((a, b) => a.start - b.start);
}
