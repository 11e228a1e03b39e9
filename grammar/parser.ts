// Changing the grammar:
//  1. LANGUAGE.md first: it is normative.
//  2. A new keyword goes in KEYWORD_NAMES (grammar/tokens.ts); a word read as one of a set
//     (strategies, sort orders, field types, ...) in its KEYWORD_SETS entry. A strategy or sort
//     order is named in runtime/strategy-names.ts, beside the runtime that implements it.
//  3. The rule here, then the same in grammar/descent.ts (the fast parser, which must give
//     the same AST; test/descent.test.ts compares them), the node in grammar/ast.ts and
//     grammar/nodes.ts, and the formatter (grammar/format*.ts).
//  4. Nothing in the editor: completion asks this grammar what may follow the cursor
//     (grammar/assist.ts) and highlighting reads grammar/tokens.ts. Write the keyword's
//     sentence in language/docs.ts; test/keywords.test.ts checks all four agree.
//  5. Write what to offer after a new kind of name in language/completion.ts.
//
// The Chevrotain parser: tokens → typed AST (LANGUAGE.md §1–§5). Error recovery is on, so
// a source with mistakes still yields a partial AST; rules return undefined where recovery
// could not rebuild a node, and callers drop those. Sources without syntax errors are read by
// grammar/descent.ts instead, to the same AST; this grammar is the reference it follows.
//
// Speed: an OR written inline allocates its array and a closure per alternative on every
// call, so the rules read per statement, branch or condition take alternatives built once
// (the `...Alts` fields). Those cannot read the rule's locals: they return what they read
// and the rule builds the node (comparison). Route and field options and p2p options, a
// few per scheme, keep theirs inline.
import { EmbeddedActionsParser, type IToken, type TokenType } from 'chevrotain';
import type * as A from './ast.js';
import { LIMITS } from './limits.js';
import { messages } from './messages.js';
import * as N from './nodes.js';
import {
  ALL_TOKENS, AnyKeyword, Code, Comma, COMPARISON_OPERATORS, Duration, FieldRef, Identifier, Kw,
  KwSet, LBrace, LBracket, LParen, Newline, NumberLit, Percent, Plus, RBrace, RBracket, RParen,
  StringLit,
} from './tokens.js';

/** Chevrotain's recovery internals that topLevelRepetitionRecoveryOnly adjusts. */
interface RepetitionRecovery {
  attemptInRepetitionRecovery: (...args: unknown[]) => void;
  readonly RULE_STACK_IDX: number;
}

/**
 * Re-syncing inside a repetition scans ahead for a token to resume on, once per error: inside
 * one long line (a condition, a list) with many errors that is quadratic, seconds for a few KB.
 * So only the file's repetition of statements re-syncs in place; a broken statement inside
 * recovers at the rule level (the statement is dropped, the next one is read).
 */
function topLevelRepetitionRecoveryOnly(parser: object): void {
  const self = parser as RepetitionRecovery;
  const attempt = self.attemptInRepetitionRecovery;
  self.attemptInRepetitionRecovery = function (this: RepetitionRecovery, ...args: unknown[]): void {
    if (this.RULE_STACK_IDX === 0) attempt.apply(this, args);
  };
}

/** After a comparison's attribute: an operator and a value, or `in`/`not in` and a list. */
type ComparisonTail =
  | { readonly op: IToken; readonly value: A.Value | undefined }
  | { readonly not: IToken | undefined; readonly list: N.List };

export class SluiceParser extends EmbeddedActionsParser {
  badEscapes: N.BadEscape[] = [];
  /** Filled as statements parse, so they survive even when recovery abandons the file rule. */
  statements: A.TopStmt[] = [];

  constructor() {
    super(ALL_TOKENS, {
      recoveryEnabled: true,
      maxLookahead: 3,
      errorMessageProvider: messages,
    });
    this.performSelfAnalysis();
    topLevelRepetitionRecoveryOnly(this);
  }

  // ---- helpers ----

  /** True when, skipping newlines, the next token is `else`. */
  private elseAhead(): boolean {
    for (let i = 1; ; i++) {
      const t = this.LA(i).tokenType;
      if (t !== Newline) return t === Kw.else;
    }
  }

  // ---- file ----

  public file = this.RULE('file', (): void => {
    this.MANY(() => this.CONSUME(Newline));
    this.MANY2({
      // Recovering from an error costs far more than parsing: stop reading after too many.
      GATE: () => this.errors.length < LIMITS.errors,
      DEF: () => {
        const s = this.SUBRULE(this.topStmt);
        this.ACTION(() => s && this.statements.push(s));
      },
    });
  });

  /** One or more newlines end a statement (the lexer's stream always ends with one). */
  private eol = this.RULE('eol', () => {
    this.AT_LEAST_ONE(() => this.CONSUME(Newline));
  });

  private readonly topStmtAlts = [
    { ALT: () => this.SUBRULE(this.schemeStmt) },
    { ALT: () => this.SUBRULE(this.modeStmt) },
    { ALT: () => this.SUBRULE(this.ratesStmt) },
    { ALT: () => this.SUBRULE(this.baseStmt) },
    { ALT: () => this.SUBRULE(this.attemptsStmt) },
    { ALT: () => this.SUBRULE(this.p2pFirstStmt) },
    { ALT: () => this.SUBRULE(this.requireStmt) },
    { ALT: () => this.SUBRULE(this.fieldStmt) },
    { ALT: () => this.SUBRULE(this.routeStmt) },
    { ALT: () => this.SUBRULE(this.blockStmt) },
    { ALT: () => this.SUBRULE(this.serviceStmt) },
  ];

  private topStmt = this.RULE('topStmt', (): A.TopStmt | undefined => {
    const s = this.OR(this.topStmtAlts);
    this.SUBRULE(this.eol);
    return s;
  }, { recoveryValueFunc: () => undefined });

  private schemeStmt = this.RULE('schemeStmt', (): A.SchemeStmt => {
    const kw = this.CONSUME(Kw.scheme);
    const name = this.CONSUME(Identifier);
    return this.ACTION(() => N.named('SchemeStmt', kw, name));
  });

  /** Alternatives that each consume one of `types`. */
  private consumeAlts(types: readonly TokenType[], idx = 0): { ALT: () => IToken }[] {
    return types.map((t) => ({ ALT: () => this.consume(idx, t) }));
  }

  private readonly modeAlts = this.consumeAlts(KwSet.mode);

  private modeStmt = this.RULE('modeStmt', (): A.ModeStmt => {
    const kw = this.CONSUME(Kw.mode);
    const value = this.OR(this.modeAlts);
    return this.ACTION(() => N.modeStmt(kw, value));
  });

  private ratesStmt = this.RULE('ratesStmt', (): A.RatesStmt => {
    const kw = this.CONSUME(Kw.rates);
    const name = this.CONSUME(Identifier);
    return this.ACTION(() => N.named('RatesStmt', kw, name));
  });

  private baseStmt = this.RULE('baseStmt', (): A.BaseStmt => {
    const kw = this.CONSUME(Kw.base);
    const cur = this.CONSUME(Code);
    return this.ACTION(() => N.baseStmt(kw, cur));
  });

  private attemptsStmt = this.RULE('attemptsStmt', (): A.AttemptsStmt => {
    const kw = this.CONSUME(Kw.attempts);
    const n = this.CONSUME(NumberLit);
    return this.ACTION(() => N.attemptsStmt(kw, n));
  });

  private p2pFirstStmt = this.RULE('p2pFirstStmt', (): A.P2PFirstStmt => {
    const kw = this.CONSUME(Kw.p2p);
    const first = this.CONSUME(Kw.first);
    return this.ACTION(() => N.p2pFirstStmt(kw, first));
  });

  private requireStmt = this.RULE('requireStmt', (): A.RequireStmt => {
    const kw = this.CONSUME(Kw.require);
    const names: IToken[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        const name = this.CONSUME(Identifier);
        this.ACTION(() => names.push(name));
      },
    });
    return this.ACTION(() => N.requireStmt(kw, names));
  });

  private fieldStmt = this.RULE('fieldStmt', (): A.FieldStmt => {
    const kw = this.CONSUME(Kw.field);
    // Keywords may name fields (LANGUAGE.md §1).
    const name = this.OR([{ ALT: () => this.CONSUME(Identifier) }, { ALT: () => this.CONSUME(AnyKeyword) }]);
    const values: A.StringLit[] = [];
    const type = this.OR2([
      ...this.consumeAlts(KwSet.fieldType),
      {
        ALT: () => {
          const t = this.CONSUME(Kw.one_of);
          this.AT_LEAST_ONE_SEP({
            SEP: Comma,
            DEF: () => {
              const s = this.CONSUME(StringLit);
              this.ACTION(() => values.push(N.str(s, this.badEscapes)));
            },
          });
          return t;
        },
      },
    ]);
    const required = this.OPTION(() => this.CONSUME(Kw.required));
    return this.ACTION(() => N.fieldStmt(kw, name, type, values, required));
  });

  private routeStmt = this.RULE('routeStmt', (): A.RouteStmt => {
    const kw = this.CONSUME(Kw.route);
    const name = this.CONSUME(Identifier);
    const cur = this.CONSUME(Code);
    const options: A.RouteOption[] = [];
    this.MANY(() => {
      const o = this.SUBRULE(this.routeOption);
      this.ACTION(() => o && options.push(o));
    });
    return this.ACTION(() => N.routeStmt(kw, name, cur, options));
  });

  private routeOption = this.RULE('routeOption', (): A.RouteOption | undefined => {
    return this.OR([
      { ALT: () => this.SUBRULE(this.feeOption) },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.markup);
          const p = this.CONSUME(Percent);
          return this.ACTION(() => N.markupOption(kw, p));
        },
      },
      {
        ALT: () => {
          const kw = this.OR2(this.consumeAlts(KwSet.routeLimit));
          const n = this.CONSUME(NumberLit);
          return this.ACTION(() => N.limitOption(kw, n));
        },
      },
      {
        ALT: () => {
          const kw = this.OR3(this.consumeAlts(KwSet.routeFlag));
          return this.ACTION(() => N.flagOption(kw));
        },
      },
    ]);
  }, { recoveryValueFunc: () => undefined });

  /** `fee P%`, `fee FIXED` or `fee P% + FIXED`. */
  private feeOption = this.RULE('feeOption', (): A.RouteOption => {
    const kw = this.CONSUME(Kw.fee);
    let percent: IToken | undefined;
    let fixed: IToken | undefined;
    this.OR([
      {
        ALT: () => {
          percent = this.CONSUME(Percent);
          this.OPTION(() => {
            this.CONSUME(Plus);
            fixed = this.CONSUME(NumberLit);
          });
        },
      },
      { ALT: () => (fixed = this.CONSUME2(NumberLit)) },
    ]);
    return this.ACTION(() => N.feeOption(kw, percent, fixed));
  });

  private blockStmt = this.RULE('blockStmt', (): A.BlockStmt | undefined => {
    const kw = this.CONSUME(Kw.block);
    const name = this.CONSUME(Identifier);
    this.CONSUME(Kw.when);
    const condition = this.SUBRULE(this.expr);
    return this.ACTION(() => condition && N.blockStmt(kw, name, condition));
  });

  private serviceStmt = this.RULE('serviceStmt', (): A.ServiceStmt | undefined => {
    const kw = this.CONSUME(Kw.service);
    const name = this.CONSUME(Identifier);
    const { body, close } = this.SUBRULE(this.block);
    return this.ACTION(() => body && N.serviceStmt(kw, name, body, close));
  });

  /** `{` NEWLINE body `}` — the body ends its own lines. */
  private block = this.RULE('block', (): { body: A.Body | undefined; close: IToken } => {
    this.CONSUME(LBrace);
    this.SUBRULE(this.eol);
    const body = this.SUBRULE(this.body);
    const close = this.CONSUME(RBrace);
    return { body, close };
  });

  private readonly bodyAlts = [{ ALT: () => this.SUBRULE(this.chain) }, { ALT: () => this.SUBRULE(this.plan) }];

  private body = this.RULE('body', (): A.Body | undefined => {
    return this.OR(this.bodyAlts);
  }, { recoveryValueFunc: () => undefined });

  /** A chain ends its last line itself, since `else` may start the next line. */
  private chain = this.RULE('chain', (): A.Chain | undefined => {
    const branches: A.Branch[] = [];
    const first = this.SUBRULE(this.whenBranch);
    this.ACTION(() => first && branches.push(first));
    this.MANY({
      GATE: () => this.elseAhead(),
      DEF: () => {
        this.MANY2(() => this.CONSUME(Newline));
        const b = this.SUBRULE(this.elseBranch);
        this.ACTION(() => b && branches.push(b));
      },
    });
    this.SUBRULE(this.eol);
    return this.ACTION(() => (branches.length ? N.chain(branches) : undefined));
  }, { recoveryValueFunc: () => undefined });

  /** After `when` a condition is required: a missing one is a syntax error, never a dropped branch. */
  private whenBranch = this.RULE('whenBranch', (): A.Branch | undefined => {
    const kw = this.CONSUME(Kw.when);
    const condition = this.SUBRULE(this.expr);
    const { body, close } = this.SUBRULE(this.block);
    return this.ACTION(() => (body && condition ? N.branch(kw, condition, body, close) : undefined));
  }, { recoveryValueFunc: () => undefined });

  /** `else when EXPR { }` or `else { }`, without a condition. */
  private elseBranch = this.RULE('elseBranch', (): A.Branch | undefined => {
    const kw = this.CONSUME(Kw.else);
    let hasWhen = false;
    const condition = this.OPTION(() => {
      this.CONSUME(Kw.when);
      hasWhen = true;
      return this.SUBRULE(this.expr);
    });
    const { body, close } = this.SUBRULE(this.block);
    return this.ACTION(() => (!body || (hasWhen && !condition) ? undefined : N.branch(kw, condition, body, close)));
  }, { recoveryValueFunc: () => undefined });

  private readonly planAlts = [
    { ALT: () => this.SUBRULE(this.strategy) },
    { ALT: () => this.SUBRULE(this.cascade) },
    { ALT: () => this.SUBRULE(this.reject) },
  ];

  private plan = this.RULE('plan', (): A.Plan | undefined => {
    return this.OR(this.planAlts);
  });

  private readonly strategyAlts = this.consumeAlts(KwSet.strategy);

  private strategy = this.RULE('strategy', (): A.StrategyStmt | undefined => {
    const kw = this.OR(this.strategyAlts);
    const routes: A.RouteRef[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        const name = this.CONSUME(Identifier);
        const weight = this.OPTION(() => this.CONSUME(Percent));
        this.ACTION(() => routes.push(N.routeRef(name, weight)));
      },
    });
    const split = this.OPTION2(() => this.CONSUME(Kw.split));
    this.SUBRULE(this.eol);
    const p2p = this.OPTION3(() => {
      const options = this.SUBRULE(this.p2pOptions);
      this.SUBRULE2(this.eol);
      return options;
    });
    return this.ACTION(() => N.strategy(kw, routes, split, p2p));
  }, { recoveryValueFunc: () => undefined });

  private p2pOptions = this.RULE('p2pOptions', (): A.P2POptions => {
    const kw = this.CONSUME(Kw.p2p);
    const options: A.P2POption[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        const o = this.SUBRULE(this.p2pOption);
        this.ACTION(() => options.push(o));
      },
    });
    return this.ACTION(() => N.p2pOptions(kw, options));
  });

  /** In LANGUAGE.md's order, which completion keeps. */
  private p2pOption = this.RULE('p2pOption', (): A.P2POption => {
    return this.OR([
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.sort);
          const order = this.OR2(this.consumeAlts(KwSet.sortOrder));
          return this.ACTION(() => N.sortOption(kw, order));
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.min_amount);
          const n = this.CONSUME(NumberLit);
          return this.ACTION(() => N.amountOption(kw, n));
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME(Kw.urgent);
          const d = this.CONSUME(Duration);
          return this.ACTION(() => N.urgentOption(kw, d));
        },
      },
      {
        ALT: () => {
          const kw = this.CONSUME2(Kw.min_remainder);
          const n = this.CONSUME2(NumberLit);
          return this.ACTION(() => N.amountOption(kw, n));
        },
      },
    ]);
  });

  private cascade = this.RULE('cascade', (): A.CascadeStmt => {
    const kw = this.CONSUME(Kw.cascade);
    this.CONSUME(LBrace);
    this.SUBRULE(this.eol);
    const strategies: A.StrategyStmt[] = [];
    this.AT_LEAST_ONE(() => {
      const s = this.SUBRULE(this.strategy);
      this.ACTION(() => s && strategies.push(s));
    });
    const close = this.CONSUME(RBrace);
    this.SUBRULE2(this.eol);
    return this.ACTION(() => N.cascade(kw, strategies, close));
  });

  private reject = this.RULE('reject', (): A.RejectStmt => {
    const kw = this.CONSUME(Kw.reject);
    const reason = this.CONSUME(StringLit);
    this.SUBRULE(this.eol);
    return this.ACTION(() => N.reject(kw, reason, this.badEscapes));
  });

  // ---- expressions: or < and < not < comparison ----

  public expr = this.RULE('expr', (): A.Expr | undefined => {
    let left = this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(Kw.or);
      const right = this.SUBRULE2(this.andExpr);
      left = this.ACTION(() => left && right && N.binary('Or', left, right));
    });
    return left;
  }, { recoveryValueFunc: () => undefined });

  private andExpr = this.RULE('andExpr', (): A.Expr | undefined => {
    let left = this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(Kw.and);
      const right = this.SUBRULE2(this.notExpr);
      left = this.ACTION(() => left && right && N.binary('And', left, right));
    });
    return left;
  });

  private readonly notExprAlts = [
    {
      ALT: () => {
        const kw = this.CONSUME(Kw.not);
        const operand = this.SUBRULE(this.notExpr);
        return this.ACTION(() => operand && N.not(kw, operand));
      },
    },
    {
      ALT: () => {
        const open = this.CONSUME(LParen);
        const inner = this.SUBRULE(this.expr);
        const close = this.CONSUME(RParen);
        return this.ACTION(() => inner && N.paren(open, inner, close));
      },
    },
    { ALT: () => this.SUBRULE(this.comparison) },
  ];

  private notExpr = this.RULE('notExpr', (): A.Expr | undefined => {
    return this.OR(this.notExprAlts);
  });

  private readonly attrAlts = [Identifier, Kw.service, FieldRef].map((t) => ({ ALT: () => this.CONSUME(t) }));
  private readonly compareOpAlts = this.consumeAlts(COMPARISON_OPERATORS);
  private readonly consumeNot = () => this.CONSUME(Kw.not);

  /** What follows the attribute; the node is built by comparison, which knows the attribute. */
  private readonly comparisonAlts = [
    {
      ALT: (): ComparisonTail => {
        const op = this.OR3(this.compareOpAlts);
        return { op, value: this.SUBRULE(this.value) };
      },
    },
    {
      ALT: (): ComparisonTail => {
        const not = this.OPTION(this.consumeNot);
        this.CONSUME(Kw.in);
        return { not, list: this.SUBRULE(this.list) };
      },
    },
  ];

  private comparison = this.RULE('comparison', (): A.Expr | undefined => {
    const attrTok = this.OR(this.attrAlts);
    const attr = this.ACTION(() => N.attr(attrTok, attrTok.tokenType === FieldRef));
    const tail = this.OR2(this.comparisonAlts);
    return this.ACTION((): A.Expr | undefined => {
      if ('op' in tail) return tail.value && N.comparison(attr, tail.op, tail.value);
      return N.membership(attr, tail.not, tail.list);
    });
  });

  private list = this.RULE('list', (): N.List => {
    const open = this.CONSUME(LBracket);
    const values: A.Value[] = [];
    this.MANY_SEP({
      SEP: Comma,
      DEF: () => {
        const v = this.SUBRULE(this.value);
        this.ACTION(() => v && values.push(v));
      },
    });
    const close = this.CONSUME(RBracket);
    return this.ACTION(() => N.list(open, values, close));
  });

  private readonly consumeCode = () => this.CONSUME(Code);
  private readonly boolAlts = this.consumeAlts(KwSet.bool);

  private readonly valueAlts = [
    {
      ALT: () => {
        const n = this.CONSUME(NumberLit);
        const cur = this.OPTION(this.consumeCode);
        return this.ACTION(() => N.numberOrMoney(n, cur));
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(StringLit);
        return this.ACTION(() => N.str(t, this.badEscapes));
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME2(Code);
        return this.ACTION(() => N.code(t));
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(Identifier);
        return this.ACTION(() => N.ident(t));
      },
    },
    {
      ALT: () => {
        const t = this.OR2(this.boolAlts);
        return this.ACTION(() => N.bool(t));
      },
    },
  ];

  private value = this.RULE('value', (): A.Value | undefined => {
    return this.OR(this.valueAlts);
  });
}
