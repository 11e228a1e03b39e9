// A hand-written recursive-descent parser for token streams without syntax errors: the AST that
// Chevrotain's parser (grammar/parser.ts) gives them, built by the same node builders
// (grammar/nodes.ts), without Chevrotain's per-rule bookkeeping, lookahead functions and closures,
// which cost more time and garbage than the AST itself. It follows grammar/parser.ts rule by rule
// and gives up (undefined) at the first token that grammar would not accept there; the caller
// then parses with Chevrotain, whose errors and recovery stay the only ones. test/descent.test.ts compares
// both on every example, generated schemes and mutated ones.
import type { IToken, TokenType } from 'chevrotain';
import type * as A from './ast.js';
import * as N from './nodes.js';
import {
  Code, Comma, COMPARISON_OPERATORS, Duration, FieldRef, Identifier, KEYWORD_TYPES, Kw, KwSet,
  LBrace, LBracket, LParen, Newline, NumberLit, Percent, Plus, RBrace, RBracket, RParen, StringLit,
} from './tokens.js';

export interface Descended {
  readonly statements: A.TopStmt[];
  readonly badEscapes: N.BadEscape[];
}

/** Thrown to stop at the first token the grammar does not accept; never escapes descend. */
class GiveUp {}
const GIVE_UP = new GiveUp();

const STRATEGIES: ReadonlySet<TokenType> = new Set(KwSet.strategy);
const COMPARE_OPS: ReadonlySet<TokenType> = new Set(COMPARISON_OPERATORS);
const ATTRIBUTE_TOKENS: ReadonlySet<TokenType> = new Set([Identifier, Kw.service, FieldRef]);
const MODES: ReadonlySet<TokenType> = new Set(KwSet.mode);
const ROUTE_LIMITS: ReadonlySet<TokenType> = new Set(KwSet.routeLimit);
const ROUTE_FLAGS: ReadonlySet<TokenType> = new Set(KwSet.routeFlag);
const FIELD_TYPES: ReadonlySet<TokenType> = new Set(KwSet.fieldType);
const SORT_ORDERS: ReadonlySet<TokenType> = new Set(KwSet.sortOrder);
const VALUE_STARTS: ReadonlySet<TokenType> = new Set([NumberLit, StringLit, Code, Identifier, ...KwSet.bool]);

/** The statements of `tokens` (ending with a newline), or undefined where Chevrotain must parse. */
export function descend(tokens: readonly IToken[]): Descended | undefined {
  const parser = new Descent(tokens);
  try {
    return { statements: parser.file(), badEscapes: parser.badEscapes };
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

class Descent {
  readonly badEscapes: N.BadEscape[] = [];
  private at = 0;

  constructor(private readonly tokens: readonly IToken[]) {}

  // ---- tokens ----

  private is(type: TokenType): boolean {
    return this.tokens[this.at]?.tokenType === type;
  }

  private isIn(types: ReadonlySet<TokenType>): boolean {
    const t = this.tokens[this.at];
    return t !== undefined && types.has(t.tokenType);
  }

  private take(type: TokenType): IToken {
    const t = this.tokens[this.at];
    if (t?.tokenType !== type) throw GIVE_UP;
    this.at++;
    return t;
  }

  private takeIf(type: TokenType): IToken | undefined {
    return this.is(type) ? this.take(type) : undefined;
  }

  private takeIn(types: ReadonlySet<TokenType>): IToken {
    if (!this.isIn(types)) throw GIVE_UP;
    return this.tokens[this.at++]!;
  }

  /** One or more newlines. */
  private eol(): void {
    this.take(Newline);
    while (this.is(Newline)) this.at++;
  }

  // ---- file ----

  file(): A.TopStmt[] {
    while (this.is(Newline)) this.at++;
    const statements: A.TopStmt[] = [];
    while (this.at < this.tokens.length) {
      statements.push(this.topStmt());
      this.eol();
    }
    return statements;
  }

  private topStmt(): A.TopStmt {
    const kw = this.tokens[this.at++]!;
    switch (kw.tokenType) {
      case Kw.scheme:
        return N.named('SchemeStmt', kw, this.take(Identifier));
      case Kw.mode:
        return N.modeStmt(kw, this.takeIn(MODES));
      case Kw.rates:
        return N.named('RatesStmt', kw, this.take(Identifier));
      case Kw.base:
        return N.baseStmt(kw, this.take(Code));
      case Kw.attempts:
        return N.attemptsStmt(kw, this.take(NumberLit));
      case Kw.p2p:
        return N.p2pFirstStmt(kw, this.take(Kw.first));
      case Kw.require:
        return N.requireStmt(kw, this.identifiers());
      case Kw.field:
        return this.fieldStmt(kw);
      case Kw.route:
        return this.routeStmt(kw);
      case Kw.block:
        return this.blockStmt(kw);
      case Kw.service:
        return this.serviceStmt(kw);
      default:
        throw GIVE_UP;
    }
  }

  /** One or more names separated by commas. */
  private identifiers(): IToken[] {
    const names: IToken[] = [];
    do names.push(this.take(Identifier));
    while (this.takeIf(Comma));
    return names;
  }

  private fieldStmt(kw: IToken): A.FieldStmt {
    // Keywords may name fields (LANGUAGE.md §1).
    const name = this.is(Identifier) ? this.take(Identifier) : this.takeIn(KEYWORD_TYPES);
    const values: A.StringLit[] = [];
    const type = this.isIn(FIELD_TYPES) ? this.takeIn(FIELD_TYPES) : this.take(Kw.one_of);
    if (type.tokenType === Kw.one_of) {
      do values.push(N.str(this.take(StringLit), this.badEscapes));
      while (this.takeIf(Comma));
    }
    return N.fieldStmt(kw, name, type, values, this.takeIf(Kw.required));
  }

  private routeStmt(kw: IToken): A.RouteStmt {
    const name = this.take(Identifier);
    const cur = this.take(Code);
    const options: A.RouteOption[] = [];
    for (let o = this.routeOption(); o; o = this.routeOption()) options.push(o);
    return N.routeStmt(kw, name, cur, options);
  }

  /** The next route option, or undefined where none starts. */
  private routeOption(): A.RouteOption | undefined {
    const t = this.tokens[this.at];
    const type = t?.tokenType;
    if (type === Kw.fee) return this.feeOption(this.take(Kw.fee));
    if (type === Kw.markup) return N.markupOption(this.take(Kw.markup), this.take(Percent));
    if (type && ROUTE_LIMITS.has(type)) return N.limitOption(this.takeIn(ROUTE_LIMITS), this.take(NumberLit));
    if (type && ROUTE_FLAGS.has(type)) return N.flagOption(this.takeIn(ROUTE_FLAGS));
    return undefined;
  }

  /** `fee P%`, `fee FIXED` or `fee P% + FIXED`. */
  private feeOption(kw: IToken): A.RouteOption {
    if (!this.is(Percent)) return N.feeOption(kw, undefined, this.take(NumberLit));
    const percent = this.take(Percent);
    const fixed = this.takeIf(Plus) ? this.take(NumberLit) : undefined;
    return N.feeOption(kw, percent, fixed);
  }

  private blockStmt(kw: IToken): A.BlockStmt {
    const name = this.take(Identifier);
    this.take(Kw.when);
    return N.blockStmt(kw, name, this.expr());
  }

  private serviceStmt(kw: IToken): A.ServiceStmt {
    const name = this.take(Identifier);
    const body = this.block();
    return N.serviceStmt(kw, name, body, this.take(RBrace));
  }

  /** `{` NEWLINE body, up to the closing `}` (left for the caller, whose node spans it). */
  private block(): A.Body {
    this.take(LBrace);
    this.eol();
    return this.is(Kw.when) ? this.chain() : this.plan();
  }

  // ---- bodies ----

  /** A chain ends its last line itself, since `else` may start the next line. */
  private chain(): A.Chain {
    const branches = [this.branchRest(this.take(Kw.when), true)];
    while (this.elseAhead()) {
      while (this.is(Newline)) this.at++;
      const elseKw = this.take(Kw.else);
      branches.push(this.branchRest(elseKw, this.takeIf(Kw.when) !== undefined));
    }
    this.eol();
    return N.chain(branches);
  }

  /** True when, skipping newlines, the next token is `else`. */
  private elseAhead(): boolean {
    let i = this.at;
    while (this.tokens[i]?.tokenType === Newline) i++;
    return this.tokens[i]?.tokenType === Kw.else;
  }

  private branchRest(kw: IToken, hasCondition: boolean): A.Branch {
    const condition = hasCondition ? this.expr() : undefined;
    const body = this.block();
    return N.branch(kw, condition, body, this.take(RBrace));
  }

  private plan(): A.Plan {
    if (this.isIn(STRATEGIES)) return this.strategy();
    if (this.is(Kw.cascade)) return this.cascade();
    const kw = this.take(Kw.reject);
    const reason = this.take(StringLit);
    this.eol();
    return N.reject(kw, reason, this.badEscapes);
  }

  private strategy(): A.StrategyStmt {
    const kw = this.takeIn(STRATEGIES);
    const routes: A.RouteRef[] = [];
    do routes.push(N.routeRef(this.take(Identifier), this.takeIf(Percent)));
    while (this.takeIf(Comma));
    const split = this.takeIf(Kw.split);
    this.eol();
    const p2p = this.is(Kw.p2p) ? this.p2pOptions() : undefined;
    return N.strategy(kw, routes, split, p2p);
  }

  /** The option line under a strategy, with its newline. */
  private p2pOptions(): A.P2POptions {
    const kw = this.take(Kw.p2p);
    const options: A.P2POption[] = [];
    do options.push(this.p2pOption());
    while (this.takeIf(Comma));
    this.eol();
    return N.p2pOptions(kw, options);
  }

  private p2pOption(): A.P2POption {
    if (this.is(Kw.sort)) return N.sortOption(this.take(Kw.sort), this.takeIn(SORT_ORDERS));
    if (this.is(Kw.urgent)) return N.urgentOption(this.take(Kw.urgent), this.take(Duration));
    const kw = this.is(Kw.min_amount) ? this.take(Kw.min_amount) : this.take(Kw.min_remainder);
    return N.amountOption(kw, this.take(NumberLit));
  }

  private cascade(): A.CascadeStmt {
    const kw = this.take(Kw.cascade);
    this.take(LBrace);
    this.eol();
    const strategies = [this.strategy()];
    while (this.isIn(STRATEGIES)) strategies.push(this.strategy());
    const close = this.take(RBrace);
    this.eol();
    return N.cascade(kw, strategies, close);
  }

  // ---- expressions: or < and < not < comparison ----

  private expr(): A.Expr {
    let left = this.andExpr();
    while (this.takeIf(Kw.or)) left = N.binary('Or', left, this.andExpr());
    return left;
  }

  private andExpr(): A.Expr {
    let left = this.notExpr();
    while (this.takeIf(Kw.and)) left = N.binary('And', left, this.notExpr());
    return left;
  }

  private notExpr(): A.Expr {
    const kw = this.takeIf(Kw.not);
    if (kw) return N.not(kw, this.notExpr());
    const open = this.takeIf(LParen);
    if (!open) return this.comparison();
    const inner = this.expr();
    return N.paren(open, inner, this.take(RParen));
  }

  private comparison(): A.Expr {
    const t = this.takeIn(ATTRIBUTE_TOKENS);
    const attr = N.attr(t, t.tokenType === FieldRef);
    if (this.isIn(COMPARE_OPS)) {
      const op = this.takeIn(COMPARE_OPS);
      return N.comparison(attr, op, this.value());
    }
    const not = this.takeIf(Kw.not);
    this.take(Kw.in);
    return N.membership(attr, not, this.list());
  }

  private list(): N.List {
    const open = this.take(LBracket);
    const values: A.Value[] = [];
    if (this.isIn(VALUE_STARTS)) {
      do values.push(this.value());
      while (this.takeIf(Comma));
    }
    return N.list(open, values, this.take(RBracket));
  }

  private value(): A.Value {
    const t = this.takeIn(VALUE_STARTS);
    switch (t.tokenType) {
      case NumberLit:
        return N.numberOrMoney(t, this.takeIf(Code));
      case StringLit:
        return N.str(t, this.badEscapes);
      case Code:
        return N.code(t);
      case Identifier:
        return N.ident(t);
      default:
        return N.bool(t);
    }
  }
}
