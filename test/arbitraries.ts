// fast-check arbitraries of Sluice: well-formed ASTs covering every construct of LANGUAGE.md
// §2–§5, and sources (their canonical text sprinkled with comments, blank lines, stray
// indentation, `else` on its own line and CRLF) for the formatter's properties.
import fc from 'fast-check';
import type * as A from '../grammar/ast.js';
import { STRATEGY_NAMES } from '../grammar/ast.js';
import { formatFile } from '../grammar/format.js';
import { decodeString } from '../grammar/strings.js';
import { KEYWORD_NAMES } from '../grammar/tokens.js';

const ORIGIN: A.Position = { line: 1, column: 1, offset: 0 };
/** Generated nodes come from no source; they all share this span. */
const SPAN: A.Span = { start: ORIGIN, end: ORIGIN };
const KEYWORDS: ReadonlySet<string> = new Set(KEYWORD_NAMES);

/** Deep copy without `span` and `*Span` keys, so ASTs compare up to positions. */
export function stripSpans(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripSpans);
  if (x === null || typeof x !== 'object') return x;
  const kept = Object.entries(x).filter(([k]) => k !== 'span' && !k.endsWith('Span'));
  return Object.fromEntries(kept.map(([k, v]) => [k, stripSpans(v)]));
}

// ---- literals ----

// Longest-match names (`p2p_x`, `test_mode`) are listed: they start like keywords.
const name = fc.oneof(
  fc.constantFrom('acme_eur', 'p2p_x', 'test_mode', 'min_amount_eur', 'fields', '_'),
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/).filter((s) => !KEYWORDS.has(s)),
);
/** Field names may be keywords (LANGUAGE.md §1). */
const fieldName = fc.oneof(name, fc.constantFrom(...KEYWORD_NAMES));
const ident = name.map((n): A.Ident => ({ kind: 'Ident', name: n, span: SPAN }));
const code = fc
  .oneof(fc.constantFrom('EUR', 'USD', 'DE', 'KP'), fc.stringMatching(/^[A-Z][A-Z0-9]{0,3}$/))
  .map((c): A.CodeLit => ({ kind: 'Code', code: c, span: SPAN }));
const numberText = fc.oneof(
  fc.constantFrom('10', '0.25', '1000000.00', '0.50', '0'),
  fc.stringMatching(/^\d{1,7}(\.\d{1,3})?$/),
);
const num = numberText.map((text): A.NumberLit => ({ kind: 'Number', text, span: SPAN }));
const percent = numberText.map((text): A.PercentLit => ({ kind: 'Percent', text, span: SPAN }));
const money = fc.tuple(num, code).map(([amount, currency]): A.MoneyLit => ({ kind: 'Money', amount, currency, span: SPAN }));
const duration = fc
  .tuple(fc.nat(400), fc.constantFrom('d' as const, 'h' as const))
  .map(([count, unit]): A.DurationLit => ({ kind: 'Duration', text: `${count}${unit}`, count, unit, span: SPAN }));
const stringPiece = fc.oneof(
  fc.constantFrom('\\"', '\\\\', '\\n', '\\t', '\\u{1F600}', '\\u{41}', 'é', '😀', ' # ', '{}', '%,'),
  fc.stringMatching(/^[a-zA-Z0-9 .:!?-]{1,8}$/),
);
const stringLit = fc.array(stringPiece, { maxLength: 5 }).map((pieces): A.StringLit => {
  const raw = `"${pieces.join('')}"`;
  return { kind: 'String', raw, value: decodeString(raw).value, span: SPAN };
});
const bool = fc.boolean().map((value): A.BoolLit => ({ kind: 'Bool', value, span: SPAN }));
const value: fc.Arbitrary<A.Value> = fc.oneof(num, money, stringLit, code, ident, bool);

// ---- expressions, shaped as the parser builds them: `or` and `and` lean left ----

const attr = fc
  .oneof(
    fc.record({ name: fc.oneof(fc.constantFrom('amount', 'country', 'service', 'weekday'), name), isField: fc.constant(false) }),
    fc.record({ name: fieldName, isField: fc.constant(true) }),
  )
  .map((a): A.AttrRef => ({ kind: 'Attr', ...a, span: SPAN }));
const compareOp = fc.constantFrom<A.CompareOp>('=', '!=', '<', '<=', '>', '>=');
const atom: fc.Arbitrary<A.Expr> = fc.oneof(
  fc.tuple(attr, compareOp, value).map(([a, op, v]): A.Expr => ({ kind: 'Compare', attr: a, op, opSpan: SPAN, value: v, span: SPAN })),
  fc
    .tuple(attr, fc.boolean(), fc.array(value, { maxLength: 4 }))
    .map(([a, negated, values]): A.Expr => ({ kind: 'In', attr: a, negated, values, listSpan: SPAN, span: SPAN })),
);

function orExpr(depth: number): fc.Arbitrary<A.Expr> {
  return fc.array(andExpr(depth), { minLength: 1, maxLength: 3 }).map((xs) => leanLeft('Or', xs));
}

function andExpr(depth: number): fc.Arbitrary<A.Expr> {
  return fc.array(unary(depth), { minLength: 1, maxLength: 3 }).map((xs) => leanLeft('And', xs));
}

function unary(depth: number): fc.Arbitrary<A.Expr> {
  if (depth === 0) return atom;
  return fc.oneof(
    atom,
    unary(depth - 1).map((operand): A.Expr => ({ kind: 'Not', operand, span: SPAN })),
    orExpr(depth - 1).map((inner): A.Expr => ({ kind: 'Paren', inner, span: SPAN })),
  );
}

function leanLeft(kind: 'Or' | 'And', xs: readonly A.Expr[]): A.Expr {
  return xs.reduce((left, right): A.Expr => ({ kind, left, right, span: SPAN }));
}

const condition = orExpr(2);

// ---- top-level statements ----

const field = fc
  .record({
    name: fieldName,
    type: fc.constantFrom<A.FieldType>('int', 'decimal', 'string', 'bool', 'one_of'),
    values: fc.array(stringLit, { minLength: 1, maxLength: 3 }),
    required: fc.boolean(),
  })
  .map((f): A.FieldStmt => ({
    kind: 'FieldStmt',
    name: { kind: 'Ident', name: f.name, span: SPAN },
    type: f.type,
    typeSpan: SPAN,
    values: f.type === 'one_of' ? f.values : [],
    required: f.required,
    span: SPAN,
  }));

const routeOption: fc.Arbitrary<A.RouteOption> = fc.oneof(
  percent.map((p): A.RouteOption => ({ kind: 'fee', percent: p, fixed: null, span: SPAN })),
  num.map((n): A.RouteOption => ({ kind: 'fee', percent: null, fixed: n, span: SPAN })),
  fc.tuple(percent, num).map(([p, n]): A.RouteOption => ({ kind: 'fee', percent: p, fixed: n, span: SPAN })),
  percent.map((p): A.RouteOption => ({ kind: 'markup', percent: p, span: SPAN })),
  fc
    .tuple(fc.constantFrom('min' as const, 'max' as const, 'daily' as const, 'monthly' as const), num)
    .map(([kind, amount]): A.RouteOption => ({ kind, amount, span: SPAN })),
  fc.constantFrom('p2p' as const, 'disabled' as const).map((kind): A.RouteOption => ({ kind, span: SPAN })),
);
const route = fc
  .tuple(ident, code, fc.array(routeOption, { maxLength: 5 }))
  .map(([n, currency, options]): A.RouteStmt => ({ kind: 'RouteStmt', name: n, currency, options, span: SPAN }));

const block = fc
  .tuple(ident, condition)
  .map(([n, c]): A.BlockStmt => ({ kind: 'BlockStmt', name: n, condition: c, span: SPAN }));

// ---- routing bodies ----

const p2pOption: fc.Arbitrary<A.P2POption> = fc.oneof(
  fc.constantFrom<A.P2PSort>('oldest', 'biggest', 'min_remainder').map((order): A.P2POption => ({ kind: 'sort', order, span: SPAN })),
  fc
    .tuple(fc.constantFrom('min_amount' as const, 'min_remainder' as const), num)
    .map(([kind, amount]): A.P2POption => ({ kind, amount, span: SPAN })),
  duration.map((d): A.P2POption => ({ kind: 'urgent', duration: d, span: SPAN })),
);
const p2pOptions = fc
  .array(p2pOption, { minLength: 1, maxLength: 4 })
  .map((options): A.P2POptions => ({ kind: 'P2POptions', options, span: SPAN }));

const strategy = fc
  .record({
    strategy: fc.constantFrom(...STRATEGY_NAMES),
    routes: fc.array(fc.tuple(ident, percent), { minLength: 1, maxLength: 4 }),
    split: fc.boolean(),
    p2p: fc.option(p2pOptions, { nil: null }),
  })
  .map((s): A.StrategyStmt => ({
    kind: 'StrategyStmt',
    strategy: s.strategy,
    strategySpan: SPAN,
    // Only `weight` gives routes shares.
    routes: s.routes.map(([n, w]) => ({ kind: 'RouteRef', name: n, weight: s.strategy === 'weight' ? w : null, span: SPAN })),
    split: s.split,
    p2p: s.p2p,
    span: SPAN,
  }));
const cascade = fc
  .array(strategy, { minLength: 1, maxLength: 3 })
  .map((strategies): A.CascadeStmt => ({ kind: 'CascadeStmt', strategies, closeSpan: SPAN, span: SPAN }));
const reject = stringLit.map((reason): A.RejectStmt => ({ kind: 'RejectStmt', reason, span: SPAN }));
const plan: fc.Arbitrary<A.Plan> = fc.oneof(strategy, cascade, reject);

/** A plan, or a chain of branches nested at most `depth` deep. */
function body(depth: number): fc.Arbitrary<A.Body> {
  return depth === 0 ? plan : fc.oneof(plan, chain(depth - 1));
}

function chain(depth: number): fc.Arbitrary<A.Chain> {
  return fc
    .tuple(fc.array(fc.tuple(condition, body(depth)), { minLength: 1, maxLength: 3 }), fc.option(body(depth), { nil: null }))
    .map(([whens, otherwise]): A.Chain => {
      const branches = whens.map(([c, b]) => branch(c, b));
      return { kind: 'Chain', branches: otherwise ? [...branches, branch(null, otherwise)] : branches, span: SPAN };
    });
}

function branch(c: A.Expr | null, b: A.Body): A.Branch {
  return { kind: 'Branch', condition: c, body: b, keywordSpan: SPAN, closeSpan: SPAN, span: SPAN };
}

const service = fc
  .tuple(ident, body(2))
  .map(([n, b]): A.ServiceStmt => ({ kind: 'ServiceStmt', name: n, body: b, closeSpan: SPAN, span: SPAN }));

const topStmt: fc.Arbitrary<A.TopStmt> = fc.oneof(
  fc.constantFrom<'live' | 'test'>('live', 'test').map((mode): A.TopStmt => ({ kind: 'ModeStmt', mode, span: SPAN })),
  ident.map((n): A.TopStmt => ({ kind: 'RatesStmt', name: n, span: SPAN })),
  code.map((currency): A.TopStmt => ({ kind: 'BaseStmt', currency, span: SPAN })),
  num.map((count): A.TopStmt => ({ kind: 'AttemptsStmt', count, span: SPAN })),
  fc.constant<A.TopStmt>({ kind: 'P2PFirstStmt', span: SPAN }),
  field,
  route,
  block,
  service,
);

export function arbSchemeFile(): fc.Arbitrary<A.SchemeFile> {
  return fc.tuple(ident, fc.array(topStmt, { maxLength: 12 })).map(([n, rest]) => ({
    kind: 'SchemeFile',
    statements: [{ kind: 'SchemeStmt', name: n, span: SPAN }, ...rest],
    comments: [],
    span: SPAN,
  }));
}

// ---- sources ----

const commentText = fc
  .string({ maxLength: 16, unit: fc.oneof(fc.constantFrom(' ', '\t', '#', '"', '\\', '{', '}', 'é', '😀'), fc.string({ minLength: 1, maxLength: 1 })) })
  .map((s) => `#${s}`);
const indent = fc.constantFrom('', ' ', '  ', '    ', '\t');
/** A line of its own: blank, only whitespace, or a comment. */
const looseLine = fc.oneof(fc.constantFrom('', '  ', '\t'), fc.tuple(indent, commentText).map(([i, c]) => i + c));

interface Decoration {
  readonly indent: string;
  readonly before: readonly string[];
  readonly trailing: string | null;
  /** Put a `} else` line's `else` on the next line... */
  readonly breakElse: boolean;
  /** ...and give its `}` this comment. */
  readonly closeTrailing: string | null;
}

const decoration: fc.Arbitrary<Decoration> = fc.record({
  indent,
  before: fc.array(looseLine, { maxLength: 2 }),
  trailing: fc.option(commentText, { nil: null }),
  breakElse: fc.boolean(),
  closeTrailing: fc.option(commentText, { nil: null }),
});

function decorate(line: string, d: Decoration): string[] {
  const content = line.trimStart();
  const trailing = d.trailing === null ? '' : `  ${d.trailing}`;
  if (!(d.breakElse && content.startsWith('} else'))) return [...d.before, `${d.indent}${content}${trailing}`];
  const close = d.closeTrailing === null ? '}' : `} ${d.closeTrailing}`;
  return [...d.before, `${d.indent}${close}`, `${d.indent}${content.slice(2)}${trailing}`];
}

/** A generated scheme's canonical text, decorated so that formatting has work to do. */
export function arbSource(): fc.Arbitrary<string> {
  return arbSchemeFile().chain((ast) => {
    const lines = formatFile(ast, []).split('\n').slice(0, -1);
    return fc
      .record({
        decorations: fc.array(decoration, { minLength: lines.length, maxLength: lines.length }),
        end: fc.array(looseLine, { maxLength: 3 }),
        eol: fc.constantFrom('\n', '\r\n'),
      })
      .map(({ decorations, end, eol }) => {
        const all = [...lines.flatMap((l, i) => decorate(l, decorations[i]!)), ...end];
        return all.join(eol) + eol;
      });
  });
}
