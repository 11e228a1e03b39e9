// The single source of truth for Sluice's tokens and keywords: the lexer, the parser and
// the editor's highlighting all read these definitions.
import { createToken, Lexer, type TokenType } from 'chevrotain';
import { P2P_SORT_ORDERS, SCALAR_FIELD_KINDS, STRATEGY_KINDS } from '../runtime/strategy-names.js';

/** The characters of a name after its first: a keyword followed by one is part of a longer name. */
export const NAME_REST = '[a-z0-9_]';
export const Identifier = createToken({ name: 'Identifier', pattern: new RegExp(`[a-z_]${NAME_REST}*`) });

/** Every keyword of LANGUAGE.md §1, in the order the spec lists them. */
export const KEYWORD_NAMES = [
  'scheme', 'mode', 'live', 'test', 'rates', 'base', 'attempts', 'field', 'route', 'fee',
  'markup', 'min', 'max', 'daily', 'monthly', 'p2p', 'first', 'disabled', 'block', 'when',
  'else', 'service', 'cascade', 'reject', ...STRATEGY_KINDS, 'split', 'sort', ...P2P_SORT_ORDERS,
  'min_amount', 'urgent', 'and', 'or', 'not', 'in', 'true', 'false', ...SCALAR_FIELD_KINDS,
  'one_of', 'required', 'require',
] as const;
export type Keyword = (typeof KEYWORD_NAMES)[number];

/**
 * The keywords the grammar reads as one alternative (the same word may not be in two): both
 * parsers, the AST's types and the editor take these sets from here.
 */
export const KEYWORD_SETS = {
  mode: ['live', 'test'],
  routeLimit: ['min', 'max', 'daily', 'monthly'],
  routeFlag: ['p2p', 'disabled'],
  fieldType: SCALAR_FIELD_KINDS,
  strategy: STRATEGY_KINDS,
  sortOrder: P2P_SORT_ORDERS,
  bool: ['true', 'false'],
} as const satisfies Record<string, readonly Keyword[]>;
export type KeywordOf<S extends keyof typeof KEYWORD_SETS> = (typeof KEYWORD_SETS)[S][number];

function keyword(word: Keyword): TokenType {
  return createToken({
    name: `Kw_${word}`,
    pattern: word,
    longer_alt: Identifier,
    categories: [AnyKeyword],
  });
}

/** Category shared by all keywords (highlighting, "keywords cannot be names" messages). */
export const AnyKeyword = createToken({ name: 'AnyKeyword', pattern: Lexer.NA });

export const Kw = Object.fromEntries(KEYWORD_NAMES.map((w) => [w, keyword(w)])) as Record<
  Keyword,
  TokenType
>;

/** Every keyword's token type: the tokens AnyKeyword matches. */
export const KEYWORD_TYPES: ReadonlySet<TokenType> = new Set(Object.values(Kw));

/** The token types of each of KEYWORD_SETS. */
export const KwSet: Readonly<Record<keyof typeof KEYWORD_SETS, readonly TokenType[]>> = Object.fromEntries(
  Object.entries(KEYWORD_SETS).map(([set, words]: [string, readonly Keyword[]]) => [set, words.map((w) => Kw[w])]),
) as Record<string, readonly TokenType[]> as Record<keyof typeof KEYWORD_SETS, readonly TokenType[]>;

export const Newline = createToken({ name: 'Newline', pattern: /\r?\n/, line_breaks: true });
export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\f\v\uFEFF]+/,
  group: Lexer.SKIPPED,
});
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: 'comments' });

/** `fields.NAME`: one token, so keywords may be field names. */
export const FieldRef = createToken({ name: 'FieldRef', pattern: /fields\.[a-z_][a-z0-9_]*/ });
export const Percent = createToken({ name: 'Percent', pattern: /\d+(?:\.\d+)?%/ });
export const Duration = createToken({ name: 'Duration', pattern: /\d+[dh](?![a-zA-Z0-9_])/ });
export const NumberLit = createToken({ name: 'Number', pattern: /\d+(?:\.\d+)?(?![a-zA-Z0-9_.])/ });
export const Code = createToken({ name: 'Code', pattern: /[A-Z][A-Z0-9]*(?![a-zA-Z0-9_])/ });
// Escapes are validated when the AST is built, so a bad one gets a precise diagnostic.
export const StringLit = createToken({ name: 'String', pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/ });

export const LBrace = createToken({ name: 'LBrace', pattern: '{', label: "'{'" });
export const RBrace = createToken({ name: 'RBrace', pattern: '}', label: "'}'" });
export const LBracket = createToken({ name: 'LBracket', pattern: '[', label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: ']', label: "']'" });
export const LParen = createToken({ name: 'LParen', pattern: '(', label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: ')', label: "')'" });
export const Comma = createToken({ name: 'Comma', pattern: ',', label: "','" });
export const Plus = createToken({ name: 'Plus', pattern: '+', label: "'+'" });
export const NotEq = createToken({ name: 'NotEq', pattern: '!=', label: "'!='" });
export const LtEq = createToken({ name: 'LtEq', pattern: '<=', label: "'<='" });
export const GtEq = createToken({ name: 'GtEq', pattern: '>=', label: "'>='" });
export const Lt = createToken({ name: 'Lt', pattern: '<', label: "'<'" });
export const Gt = createToken({ name: 'Gt', pattern: '>', label: "'>'" });
export const Eq = createToken({ name: 'Eq', pattern: '=', label: "'='" });

/** The comparison operators, in the order errors and completion list them. */
export const COMPARISON_OPERATORS: readonly TokenType[] = [Eq, NotEq, Lt, LtEq, Gt, GtEq];

/** Token order matters: longer and more specific patterns first. */
export const ALL_TOKENS: TokenType[] = [
  Newline,
  WhiteSpace,
  Comment,
  FieldRef,
  Percent,
  Duration,
  NumberLit,
  StringLit,
  AnyKeyword,
  // Longest first, so `min_amount` is not lexed as `min` + `_amount`.
  ...[...KEYWORD_NAMES].sort((a, b) => b.length - a.length).map((w) => Kw[w]),
  Identifier,
  Code,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  LParen,
  RParen,
  Comma,
  Plus,
  NotEq,
  LtEq,
  GtEq,
  Lt,
  Gt,
  Eq,
];

/** Token names grouped for editor highlighting. */
export const TOKEN_CLASSES = {
  keyword: KEYWORD_NAMES.map((w) => Kw[w].name),
  number: [NumberLit.name, Percent.name, Duration.name],
  string: [StringLit.name],
  code: [Code.name],
  field: [FieldRef.name],
  comment: [Comment.name],
  identifier: [Identifier.name],
  operator: [Plus, NotEq, LtEq, GtEq, Lt, Gt, Eq].map((t) => t.name),
} as const;
