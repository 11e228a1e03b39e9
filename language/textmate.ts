// A TextMate grammar for Sluice, generated from the lexer's own token table (grammar/tokens.ts)
// and the highlighting classes (tokens.ts): VS Code, other TextMate editors and code hosts read
// it. Each token's pattern is the lexer's, in the lexer's order; a TextMate rule takes the match
// that starts first, the earlier rule on a tie, which is what the lexer does token by token. A
// character no token reads is `invalid`, as the lexer reports it.
import { Lexer, type TokenType } from 'chevrotain';
import { ALL_TOKENS, KEYWORD_TYPES, NAME_REST, WhiteSpace } from '../grammar/tokens.js';
import { tokenClass, type TokenClass } from './tokens.js';

export const SCOPE_NAME = 'source.sluice';

/** The TextMate scope of each highlighting class (names themes colour). */
export const SCOPES: Readonly<Record<TokenClass, string>> = {
  keyword: 'keyword.other',
  strategy: 'support.function.strategy',
  number: 'constant.numeric',
  string: 'string.quoted.double',
  code: 'support.constant.code',
  field: 'variable.other.property',
  comment: 'comment.line.number-sign',
  identifier: 'variable.other.name',
  operator: 'keyword.operator',
  delimiter: 'punctuation',
  invalid: 'invalid.illegal',
};

interface Rule {
  readonly name: string;
  readonly match: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function patternOf(t: TokenType): string {
  return t.PATTERN instanceof RegExp ? t.PATTERN.source : escape(String(t.PATTERN));
}

const scope = (cls: TokenClass) => `${SCOPES[cls]}.sluice`;

/** The tokens the lexer emits, in its order (not line breaks, blanks or categories). */
const EMITTED = ALL_TOKENS.filter((t) => t.GROUP !== Lexer.SKIPPED && t.PATTERN !== Lexer.NA && !t.LINE_BREAKS);

function rules(): Rule[] {
  const out: Rule[] = [];
  for (const t of EMITTED) {
    const cls = tokenClass(t.name);
    if (!KEYWORD_TYPES.has(t)) out.push({ name: scope(cls), match: patternOf(t) });
    else if (!out.some((r) => r.name === scope(cls))) out.push(keywordRule(cls));
  }
  // Any other character but a blank is one the lexer cannot read.
  return [...out, { name: scope('invalid'), match: `(?!${patternOf(WhiteSpace)}).` }];
}

/** The keywords of a class as one rule, where its first keyword is: a keyword followed by a name's character is a longer name (their longer_alt). */
function keywordRule(cls: TokenClass): Rule {
  const words = EMITTED.filter((t) => KEYWORD_TYPES.has(t) && tokenClass(t.name) === cls).map(patternOf);
  return { name: scope(cls), match: `(?:${words.join('|')})(?!${NAME_REST})` };
}

export function textmateGrammar() {
  return {
    comment: 'Generated from grammar/tokens.ts by `npm run vscode:generate`; do not edit.',
    name: 'Sluice',
    scopeName: SCOPE_NAME,
    fileTypes: ['sluice'],
    patterns: rules(),
  };
}
