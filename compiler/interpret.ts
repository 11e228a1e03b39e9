// The reference interpreter: walks the AST directly, kept simple and obviously correct. The
// tests use it as the oracle for the generated code. Its trace is the expanded one (an entry
// per block and branch tested): the compiled program's compact trace must expand to it.
import type * as A from '../grammar/ast.js';
import { exprText } from '../grammar/format-expr.js';
import { ATTRIBUTES, readAttribute } from '../runtime/attributes.js';
import { amountIn, asRat, snapshot } from '../runtime/conditions.js';
import type { DecideContext } from '../runtime/context.js';
import type { Program } from '../runtime/program.js';
import { cmp, type Rat } from '../runtime/rational.js';
import type { FieldValue, PlanDef } from '../runtime/types.js';
import { attributesOf, blocksOf, moneyCurrencies, num, planOf, routesOf, servicesOf, settingsOf } from './lower.js';

type Scalar = Rat | string | boolean;

function isRat(v: Scalar): v is Rat {
  return typeof v === 'object';
}

function literal(v: A.Value): Scalar {
  switch (v.kind) {
    case 'Number':
      return num(v.text);
    case 'Money':
      return num(v.amount.text);
    case 'String':
      return v.value;
    case 'Code':
      return v.code;
    case 'Ident':
      return v.name;
    case 'Bool':
      return v.value;
  }
}

function fieldScalar(v: FieldValue | undefined): Scalar | undefined {
  return typeof v === 'string' || typeof v === 'boolean' ? v : asRat(v);
}

/** The attribute's value as compared with `v`; undefined when the request lacks it. */
function attribute(ctx: DecideContext, a: A.AttrRef, v: A.Value): Scalar | undefined {
  if (a.isField) return fieldScalar(ctx.req.fields.get(a.name));
  const standard = ATTRIBUTES.get(a.name);
  if (standard === undefined) return undefined;
  if (standard.name === 'amount' && v.kind === 'Money') return amountIn(ctx, v.currency.code);
  return fieldScalar(readAttribute(ctx.req, standard));
}

function equal(x: Scalar, y: Scalar): boolean {
  return isRat(x) && isRat(y) ? cmp(x, y) === 0 : x === y;
}

function compare(x: Scalar, op: A.CompareOp, y: Scalar): boolean {
  if (op === '=') return equal(x, y);
  if (op === '!=') return !equal(x, y);
  if (!isRat(x) || !isRat(y)) return false;
  const c = cmp(x, y);
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}

export function evaluate(ctx: DecideContext, e: A.Expr): boolean {
  switch (e.kind) {
    case 'Or':
      return evaluate(ctx, e.left) || evaluate(ctx, e.right);
    case 'And':
      return evaluate(ctx, e.left) && evaluate(ctx, e.right);
    case 'Not':
      return !evaluate(ctx, e.operand);
    case 'Paren':
      return evaluate(ctx, e.inner);
    case 'Compare': {
      const x = attribute(ctx, e.attr, e.value);
      return x !== undefined && compare(x, e.op, literal(e.value));
    }
    case 'In': {
      const found = e.values.map((v) => attribute(ctx, e.attr, v));
      if (found.some((x) => x === undefined)) return false;
      const member = e.values.some((v, i) => equal(found[i]!, literal(v)));
      return e.negated ? !member : member;
    }
  }
}

function traceEntry(ctx: DecideContext, step: string, condition: A.Expr | null, line: number) {
  if (!condition) return { step, line, condition: 'else', values: {} };
  return { step, line, condition: exprText(condition), values: snapshot(ctx, attributesOf(condition)) };
}

/** A Program over the AST: the same frame (runtime/decide.ts) runs it as the compiled code. */
export function interpret(file: A.SchemeFile): Program {
  const routes = routesOf(file);
  const services = servicesOf(file);
  const blocks = blocksOf(file);
  const money = moneyCurrencies(file);
  const chooseBody = (ctx: DecideContext, body: A.Body, path: string): PlanDef | null => {
    if (body.kind !== 'Chain') return planOf(body, path, routes);
    for (const [i, b] of body.branches.entries()) {
      const taken = b.condition === null || evaluate(ctx, b.condition);
      ctx.trace?.push({ ...traceEntry(ctx, 'branch', b.condition, b.span.start.line), taken });
      if (taken) return chooseBody(ctx, b.body, `${path}/${i}`);
    }
    return null;
  };
  return {
    settings: settingsOf(file),
    moneyCurrencies: (service) => money.services.get(service) ?? money.blocks,
    block(ctx) {
      for (const b of blocks) {
        const matched = evaluate(ctx, b.condition);
        ctx.trace?.push({ ...traceEntry(ctx, 'block', b.condition, b.span.start.line), block: b.name.name, matched });
        if (matched) return b.name.name;
      }
      return null;
    },
    plan(ctx) {
      const service = services.get(ctx.req.service);
      return service && chooseBody(ctx, service.body, service.name.name);
    },
  };
}
