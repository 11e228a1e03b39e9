// Expressions and literals as canonical text (LANGUAGE.md §7): single spaces between tokens,
// literals exactly as written, parentheses only where the author wrote them.
import type { AndExpr, Expr, OrExpr, PercentLit, Value } from './ast.js';

export function percentText(p: PercentLit): string {
  return `${p.text}%`;
}

export function valueText(v: Value): string {
  switch (v.kind) {
    case 'Number':
      return v.text;
    case 'Money':
      return `${v.amount.text} ${v.currency.code}`;
    case 'String':
      return v.raw;
    case 'Code':
      return v.code;
    case 'Ident':
      return v.name;
    case 'Bool':
      return v.value ? 'true' : 'false';
  }
}

export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'Or':
    case 'And':
      return chainText(e);
    case 'Not':
      return `not ${exprText(e.operand)}`;
    case 'Paren':
      return `(${exprText(e.inner)})`;
    case 'Compare':
      return `${attrText(e.attr)} ${e.op} ${valueText(e.value)}`;
    case 'In':
      return `${attrText(e.attr)} ${e.negated ? 'not in' : 'in'} [${e.values.map(valueText).join(', ')}]`;
  }
}

function attrText(a: { readonly name: string; readonly isField: boolean }): string {
  return a.isField ? `fields.${a.name}` : a.name;
}

/**
 * `a and b and c` parses as a left-leaning tree as deep as the chain is long; walking the
 * left spine in a loop keeps a very long condition from overflowing the stack.
 */
function chainText(e: OrExpr | AndExpr): string {
  const rights: Expr[] = [];
  let left: Expr = e;
  while (sameOperator(left, e)) {
    rights.push(left.right);
    left = left.left;
  }
  const keyword = e.kind === 'Or' ? ' or ' : ' and ';
  return [exprText(left), ...rights.reverse().map(exprText)].join(keyword);
}

function sameOperator(x: Expr, e: OrExpr | AndExpr): x is OrExpr | AndExpr {
  return x.kind === e.kind;
}
