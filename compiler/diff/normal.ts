// Keys that are equal exactly when two pieces of a scheme mean the same, whatever their
// layout: the semantic diff compares these, and shows the author's canonical text.
import type * as A from '../../grammar/ast.js';
import { valueKey as attrText } from '../../runtime/conditions.js';

/** `1000.00` and `1000` are the same amount; the formatter keeps each as written. */
export function numberKey(text: string): string {
  const [whole = '0', fraction = ''] = text.split('.');
  const int = whole.replace(/^0+(?=\d)/, '');
  const frac = fraction.replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
}

export function percentKey(p: A.PercentLit): string {
  return `${numberKey(p.text)}%`;
}

/** `3d` and `72h` are the same urgent period. */
export function durationKey(d: A.DurationLit): string {
  return `${d.count * (d.unit === 'd' ? 24 : 1)}h`;
}

export function valueKey(v: A.Value): string {
  switch (v.kind) {
    case 'Number':
      return numberKey(v.text);
    case 'Money':
      return `${numberKey(v.amount.text)} ${v.currency.code}`;
    case 'String':
      // Compared decoded: `"a"` and `"\u{61}"` are the same string.
      return JSON.stringify(v.value);
    case 'Code':
      return v.code;
    case 'Ident':
      return v.name;
    case 'Bool':
      return String(v.value);
  }
}

/**
 * A condition's meaning as a string: parentheses dropped, `and`/`or` chains flattened and
 * sorted, list members sorted and deduplicated. Conditions have no side effects (rates are
 * checked up front), so operand order never changes a decision.
 */
export function exprKey(e: A.Expr): string {
  switch (e.kind) {
    case 'Or':
    case 'And': {
      const parts = [...new Set(operands(e, e.kind).map(exprKey))].sort();
      return parts.length === 1 ? parts[0]! : `${e.kind}(${parts.join(',')})`;
    }
    case 'Not':
      return `Not(${exprKey(e.operand)})`;
    case 'Paren':
      return exprKey(e.inner);
    case 'Compare':
      return `${attrText(e.attr)}${e.op}${valueKey(e.value)}`;
    case 'In': {
      const values = [...new Set(e.values.map(valueKey))].sort();
      return `${attrText(e.attr)}${e.negated ? '!in' : 'in'}[${values.join(',')}]`;
    }
  }
}

/** The operands of a chain of one operator, looking through parentheses, without recursion on the spine. */
function operands(e: A.Expr, op: 'Or' | 'And'): A.Expr[] {
  const out: A.Expr[] = [];
  const stack: A.Expr[] = [e];
  while (stack.length) {
    let x = stack.pop()!;
    while (x.kind === 'Paren') x = x.inner;
    if (x.kind === op) stack.push(x.right, x.left);
    else out.push(x);
  }
  return out;
}
