// The typed AST of a Sluice scheme. Every node carries its source span; literals keep
// their text exactly as written (the formatter prints them back verbatim). The names of
// strategies, sort orders, field types and options are the keyword sets of grammar/tokens.ts.
import type { P2PSortOrder, StrategyKind } from '../runtime/strategy-names.js';
import type { KeywordOf } from './tokens.js';

export { STRATEGY_KINDS as STRATEGY_NAMES } from '../runtime/strategy-names.js';

/** 1-based line and column, 0-based offset. */
export interface Position {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/** `end` is exclusive: the position just after the node's last character. */
export interface Span {
  readonly start: Position;
  readonly end: Position;
}

export interface Ident {
  readonly kind: 'Ident';
  readonly name: string;
  readonly span: Span;
}

export interface CodeLit {
  readonly kind: 'Code';
  readonly code: string;
  readonly span: Span;
}

export interface NumberLit {
  readonly kind: 'Number';
  /** As written, e.g. `1000000.00`. */
  readonly text: string;
  readonly span: Span;
}

export interface MoneyLit {
  readonly kind: 'Money';
  readonly amount: NumberLit;
  readonly currency: CodeLit;
  readonly span: Span;
}

export interface PercentLit {
  readonly kind: 'Percent';
  /** The number before `%`, as written. */
  readonly text: string;
  readonly span: Span;
}

export interface DurationLit {
  readonly kind: 'Duration';
  readonly text: string;
  readonly count: number;
  readonly unit: 'd' | 'h';
  readonly span: Span;
}

export interface StringLit {
  readonly kind: 'String';
  /** As written, quotes and escapes included. */
  readonly raw: string;
  /** The decoded value (bad escapes are kept literally and reported by the parser). */
  readonly value: string;
  readonly span: Span;
}

export interface BoolLit {
  readonly kind: 'Bool';
  readonly value: boolean;
  readonly span: Span;
}

export interface Comment {
  /** From `#` to the end of the line, as written. */
  readonly text: string;
  readonly span: Span;
}

// ---- top-level statements ----

export interface SchemeStmt {
  readonly kind: 'SchemeStmt';
  readonly name: Ident;
  readonly span: Span;
}

export interface ModeStmt {
  readonly kind: 'ModeStmt';
  readonly mode: KeywordOf<'mode'>;
  readonly span: Span;
}

export interface RatesStmt {
  readonly kind: 'RatesStmt';
  readonly name: Ident;
  readonly span: Span;
}

export interface BaseStmt {
  readonly kind: 'BaseStmt';
  readonly currency: CodeLit;
  readonly span: Span;
}

export interface AttemptsStmt {
  readonly kind: 'AttemptsStmt';
  readonly count: NumberLit;
  readonly span: Span;
}

/** `p2p first`: p2p candidates are considered before the others. */
export interface P2PFirstStmt {
  readonly kind: 'P2PFirstStmt';
  readonly span: Span;
}

/** `require ATTR, ...`: optional standard attributes every request must carry. */
export interface RequireStmt {
  readonly kind: 'RequireStmt';
  readonly attributes: readonly Ident[];
  readonly span: Span;
}

export type FieldType = KeywordOf<'fieldType'> | 'one_of';

export interface FieldStmt {
  readonly kind: 'FieldStmt';
  readonly name: Ident;
  readonly type: FieldType;
  readonly typeSpan: Span;
  /** The allowed values of a `one_of` field, else empty. */
  readonly values: readonly StringLit[];
  readonly required: boolean;
  readonly span: Span;
}

export type RouteOption =
  | { readonly kind: 'fee'; readonly percent: PercentLit | null; readonly fixed: NumberLit | null; readonly span: Span }
  | { readonly kind: 'markup'; readonly percent: PercentLit; readonly span: Span }
  | { readonly kind: KeywordOf<'routeLimit'>; readonly amount: NumberLit; readonly span: Span }
  | { readonly kind: KeywordOf<'routeFlag'>; readonly span: Span };

export interface RouteStmt {
  readonly kind: 'RouteStmt';
  readonly name: Ident;
  readonly currency: CodeLit;
  /** In the order written; the formatter keeps it. */
  readonly options: readonly RouteOption[];
  readonly span: Span;
}

export interface BlockStmt {
  readonly kind: 'BlockStmt';
  readonly name: Ident;
  readonly condition: Expr;
  readonly span: Span;
}

export interface ServiceStmt {
  readonly kind: 'ServiceStmt';
  readonly name: Ident;
  readonly body: Body;
  /** Span of the closing `}`. */
  readonly closeSpan: Span;
  readonly span: Span;
}

export type TopStmt =
  | SchemeStmt
  | ModeStmt
  | RatesStmt
  | BaseStmt
  | AttemptsStmt
  | P2PFirstStmt
  | RequireStmt
  | FieldStmt
  | RouteStmt
  | BlockStmt
  | ServiceStmt;

// ---- routing bodies ----

export type Body = Chain | Plan;
export type Plan = StrategyStmt | CascadeStmt | RejectStmt;

/** `when C { } else when C { } else { }`; a branch without condition is an `else`. */
export interface Chain {
  readonly kind: 'Chain';
  readonly branches: readonly Branch[];
  readonly span: Span;
}

export interface Branch {
  readonly kind: 'Branch';
  /** null for a plain `else`. */
  readonly condition: Expr | null;
  readonly body: Body;
  /** Span of the `when` or `else` keyword that opens the branch. */
  readonly keywordSpan: Span;
  /** Span of the branch's closing `}`. */
  readonly closeSpan: Span;
  readonly span: Span;
}

export type StrategyName = StrategyKind;

export interface RouteRef {
  readonly kind: 'RouteRef';
  readonly name: Ident;
  /** `weight` only: the route's share. */
  readonly weight: PercentLit | null;
  readonly span: Span;
}

export interface StrategyStmt {
  readonly kind: 'StrategyStmt';
  readonly strategy: StrategyName;
  readonly strategySpan: Span;
  readonly routes: readonly RouteRef[];
  readonly split: boolean;
  readonly p2p: P2POptions | null;
  readonly span: Span;
}

export type P2PSort = P2PSortOrder;

export type P2POption =
  | { readonly kind: 'sort'; readonly order: P2PSort; readonly span: Span }
  | { readonly kind: 'min_amount' | 'min_remainder'; readonly amount: NumberLit; readonly span: Span }
  | { readonly kind: 'urgent'; readonly duration: DurationLit; readonly span: Span };

/** The option line under a strategy: `p2p sort oldest, min_amount 35`. */
export interface P2POptions {
  readonly kind: 'P2POptions';
  readonly options: readonly P2POption[];
  readonly span: Span;
}

export interface CascadeStmt {
  readonly kind: 'CascadeStmt';
  readonly strategies: readonly StrategyStmt[];
  readonly closeSpan: Span;
  readonly span: Span;
}

export interface RejectStmt {
  readonly kind: 'RejectStmt';
  readonly reason: StringLit;
  readonly span: Span;
}

// ---- expressions ----

export type Expr = OrExpr | AndExpr | NotExpr | ParenExpr | Comparison | Membership;

export interface OrExpr {
  readonly kind: 'Or';
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

export interface AndExpr {
  readonly kind: 'And';
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

export interface NotExpr {
  readonly kind: 'Not';
  readonly operand: Expr;
  readonly span: Span;
}

export interface ParenExpr {
  readonly kind: 'Paren';
  readonly inner: Expr;
  readonly span: Span;
}

/** `amount`, `country`, ... or `fields.NAME`. */
export interface AttrRef {
  readonly kind: 'Attr';
  readonly name: string;
  readonly isField: boolean;
  readonly span: Span;
}

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Value = NumberLit | MoneyLit | StringLit | CodeLit | Ident | BoolLit;

export interface Comparison {
  readonly kind: 'Compare';
  readonly attr: AttrRef;
  readonly op: CompareOp;
  readonly opSpan: Span;
  readonly value: Value;
  readonly span: Span;
}

export interface Membership {
  readonly kind: 'In';
  readonly attr: AttrRef;
  readonly negated: boolean;
  readonly values: readonly Value[];
  readonly listSpan: Span;
  readonly span: Span;
}

// ---- the file ----

export interface SchemeFile {
  readonly kind: 'SchemeFile';
  readonly statements: readonly TopStmt[];
  readonly comments: readonly Comment[];
  readonly span: Span;
}
