// The lexer shared by the parser and the editor. Keywords are read as identifiers and then
// given their keyword type: with `longer_alt: Identifier`, a keyword token is exactly an
// identifier whose text is the keyword, so the tokens are the same as lexing ALL_TOKENS,
// but each word is matched once instead of against every keyword with its first letter, and
// a run of unreadable text (which Chevrotain skips by trying every pattern at each character)
// is tried against 27 patterns instead of 75. A source that lexes cleanly is read by
// grammar/scan.ts instead, to the same tokens.
import { Lexer, type ILexingResult, type TokenType } from 'chevrotain';
import { scan } from './scan.js';
import { ALL_TOKENS, AnyKeyword, Identifier, KEYWORD_TYPES, Kw } from './tokens.js';

// A Map: `constructor` and `__proto__` are identifiers, not keys of Kw's prototype.
const KEYWORDS: ReadonlyMap<string, TokenType> = new Map(Object.entries(Kw));

const lexer = new Lexer(
  ALL_TOKENS.filter((t) => t !== AnyKeyword && !KEYWORD_TYPES.has(t)),
  { positionTracking: 'full', ensureOptimizations: false },
);

/** Chevrotain's lexer alone, keywords not yet typed: what grammar/scan.ts must equal. */
export function chevrotainLex(text: string): ILexingResult {
  return lexer.tokenize(text);
}

export function tokenize(text: string): ILexingResult {
  // The hand-written scanner when the source lexes cleanly; Chevrotain's errors otherwise.
  const lexed = scan(text) ?? chevrotainLex(text);
  for (const t of lexed.tokens) {
    const keyword = t.tokenType === Identifier ? KEYWORDS.get(t.image) : undefined;
    if (keyword) {
      t.tokenType = keyword;
      t.tokenTypeIdx = keyword.tokenTypeIdx!;
    }
  }
  return lexed;
}
