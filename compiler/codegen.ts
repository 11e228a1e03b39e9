// Code generation: a checked scheme becomes JavaScript source for its blocks and its choice
// of plan, instantiated once. Source literals reach the code only through `lit` (the single
// escaping function); everything else (rationals, sets, plans) is passed by reference in
// `K`, never printed. Chains dispatch on `currency`, `country` and one_of fields through
// `switch`, so first-match order is kept while most branches are never tested.
import type * as A from '../grammar/ast.js';
import type { RouteDef } from '../runtime/types.js';
import { dispatchPlan, type Dispatch } from './dispatch.js';
import { exprText } from '../grammar/format-expr.js';
import { attributesOf, blocksOf, moneyCurrencies, num, planOf, routesOf, servicesOf } from './lower.js';
import { lit } from './literal.js';

export interface GenerateOptions {
  /** Emit trace pushes (and no dispatch, so every branch tested is reported). */
  readonly trace: boolean;
}

export interface Generated {
  readonly source: string;
  readonly scope: readonly unknown[];
  readonly money: ReturnType<typeof moneyCurrencies>;
}

/** Attribute → how its value is read from `r` (the Request) in generated code. */
const ATTRIBUTES: ReadonlyMap<string, { code: string; type: 'num' | 'int' | 'eq' }> = new Map([
  ['amount', { code: 'r.amount', type: 'num' }],
  ['currency', { code: 'r.currency', type: 'eq' }],
  ['service', { code: 'r.service', type: 'eq' }],
  ['country', { code: 'r.country', type: 'eq' }],
  ['point', { code: 'r.point', type: 'eq' }],
  ['attempt', { code: 'r.attempt', type: 'int' }],
  ['last_error', { code: 'r.lastError', type: 'eq' }],
  ['hour', { code: 'r.hour', type: 'int' }],
  ['weekday', { code: 'r.weekday', type: 'eq' }],
  ['test_mode', { code: 'r.testMode', type: 'eq' }],
]);

const FUNCTION_BRANCHES = 64;

class Generator {
  readonly scope: unknown[] = [];
  readonly functions: string[] = [];
  private readonly routes: ReadonlyMap<string, RouteDef>;
  private readonly fieldTypes = new Map<string, A.FieldType>();
  /** A branch's body is generated once, however many dispatch cases reach it. */
  private readonly branchFns = new Map<A.Branch, string>();

  constructor(
    private readonly file: A.SchemeFile,
    private readonly options: GenerateOptions,
  ) {
    this.routes = routesOf(file);
    for (const s of file.statements) if (s.kind === 'FieldStmt') this.fieldTypes.set(s.name.name, s.type);
  }

  /** A value passed by reference: `K[i]`. */
  ref(value: unknown): string {
    this.scope.push(value);
    return `K[${this.scope.length - 1}]`;
  }

  fn(params: string, body: string): string {
    const name = `f${this.functions.length}`;
    this.functions.push(`function ${name}(${params}) {\n${body}\n}`);
    return name;
  }

  private attr(a: A.AttrRef): { code: string; type: 'num' | 'int' | 'eq' } {
    if (!a.isField) return ATTRIBUTES.get(a.name) ?? { code: 'undefined', type: 'eq' };
    const type = this.fieldTypes.get(a.name);
    const code = `r.fields.get(${lit(a.name)})`;
    return { code, type: type === 'int' ? 'int' : type === 'decimal' ? 'num' : 'eq' };
  }

  private value(v: A.Value): string | number | boolean {
    switch (v.kind) {
      case 'String':
        return v.value;
      case 'Code':
        return v.code;
      case 'Ident':
        return v.name;
      case 'Bool':
        return v.value;
      case 'Number':
        return v.text;
      case 'Money':
        return v.amount.text;
    }
  }

  /** The attribute's value expression for a comparison with `v` (amount converts for money). */
  private operand(a: A.AttrRef, v: A.Value): { code: string; type: 'num' | 'int' | 'eq' } {
    const at = this.attr(a);
    if (a.name === 'amount' && !a.isField && v.kind === 'Money') {
      return { code: `rt.amountIn(ctx, ${lit(v.currency.code)})`, type: 'num' };
    }
    // An int compared with a literal beyond exact JS integers compares exactly as rationals.
    if (at.type === 'int' && !Number.isSafeInteger(Number(this.value(v)))) return { code: `rt.asRat(${at.code})`, type: 'num' };
    return at;
  }

  expr(e: A.Expr): string {
    switch (e.kind) {
      case 'Or':
        return `(${this.expr(e.left)} || ${this.expr(e.right)})`;
      case 'And':
        return `(${this.expr(e.left)} && ${this.expr(e.right)})`;
      case 'Not':
        return `!${this.expr(e.operand)}`;
      case 'Paren':
        return this.expr(e.inner);
      case 'Compare':
        return this.compare(e);
      case 'In':
        return this.membership(e);
    }
  }

  private compare(e: A.Comparison): string {
    const { code, type } = this.operand(e.attr, e.value);
    const raw = this.value(e.value);
    if (type === 'num') return `rt.num(${code}, ${this.ref(num(String(raw)))}, ${lit(e.op)})`;
    if (type === 'int') return `rt.int(${code}, ${lit(Number(raw))}, ${lit(e.op)})`;
    if (e.op === '=') return `(${code} === ${lit(raw)})`;
    return `rt.ne(${code}, ${lit(raw)})`;
  }

  private membership(e: A.Membership): string {
    const first = e.values[0];
    if (!first) return 'false';
    const { code, type } = this.operand(e.attr, first);
    const sameOperand = e.values.every((v) => v.kind !== 'Money' || (first.kind === 'Money' && v.currency.code === first.currency.code));
    let test: string;
    if (type === 'eq' || type === 'int') {
      const set = this.ref(new Set(e.values.map((v) => (type === 'int' ? Number(this.value(v)) : this.value(v)))));
      test = `rt.inSet(${code}, ${set})`;
    } else if (sameOperand) {
      test = `rt.numIn(${code}, ${this.ref(e.values.map((v) => num(String(this.value(v)))))})`;
    } else {
      // Money in several currencies: one comparison each, all required present.
      const parts = e.values.map((v) => this.operand(e.attr, v).code);
      test = `rt.moneyIn([${parts.join(', ')}], ${this.ref(e.values.map((v) => num(String(this.value(v)))))})`;
    }
    return e.negated ? `rt.notIn(${test})` : `(${test} === 1)`;
  }

  /** Code returning the plan of `body`, or null. */
  body(body: A.Body, path: string): string {
    if (body.kind !== 'Chain') return `return ${this.ref(planOf(body, path, this.routes))};`;
    const branches = body.branches.map((b, i) => ({ branch: b, index: i }));
    if (this.options.trace) return this.linear(branches, path);
    return this.dispatched(dispatchPlan(branches.map((b) => b.branch.condition), this.fieldTypes), branches, path);
  }

  private dispatched(d: Dispatch, branches: readonly { branch: A.Branch; index: number }[], path: string): string {
    if (d.kind === 'linear') return this.linearCall(d.branches.map((i) => branches[i]!), path);
    const cases = d.cases.map(([value, sub]) => `case ${lit(value)}: ${this.dispatched(sub, branches, path)}`);
    const access = this.attr({ kind: 'Attr', name: d.attribute, isField: d.isField, span: branches[0]!.branch.span }).code;
    return `switch (${access}) {\n${cases.join('\n')}\ndefault: ${this.dispatched(d.fallback, branches, path)}\n}`;
  }

  /** Long runs go into functions of their own: V8 does not optimize very large functions. */
  private linearCall(branches: readonly { branch: A.Branch; index: number }[], path: string): string {
    if (branches.length <= FUNCTION_BRANCHES) return this.linear(branches, path);
    const chunks: string[] = [];
    for (let i = 0; i < branches.length; i += FUNCTION_BRANCHES) {
      const f = this.fn('ctx, r', this.linear(branches.slice(i, i + FUNCTION_BRANCHES), path, true));
      chunks.push(`p = ${f}(ctx, r); if (p !== NEXT) return p;`);
    }
    return `{ let p;\n${chunks.join('\n')}\nreturn null; }`;
  }

  /** First-match tests in order. `chunk`: fall through to the next chunk with NEXT. */
  private linear(branches: readonly { branch: A.Branch; index: number }[], path: string, chunk = false): string {
    const lines = branches.map(({ branch, index }) => {
      const cond = branch.condition ? this.expr(branch.condition) : 'true';
      const inner = this.branchFn(branch, `${path}/${index}`);
      if (!this.options.trace) return `if (${cond}) return ${inner}(ctx, r);`;
      return `{ const t = ${cond}; ctx.trace.push(${this.traceEntry('branch', branch.condition, branch.span.start.line)}, taken: t }); if (t) return ${inner}(ctx, r); }`;
    });
    return `${lines.join('\n')}\nreturn ${chunk ? 'NEXT' : 'null'};`;
  }

  /** The opening of a trace entry (left open for the outcome): what was tested and the values seen. */
  private traceEntry(step: string, condition: A.Expr | null, line: number): string {
    const text = condition ? exprText(condition) : 'else';
    const values = condition ? `rt.snapshot(ctx, ${this.ref(attributesOf(condition))})` : '{}';
    return `{ step: ${lit(step)}, line: ${lit(line)}, condition: ${lit(text)}, values: ${values}`;
  }

  private branchFn(branch: A.Branch, path: string): string {
    let name = this.branchFns.get(branch);
    if (name === undefined) {
      name = this.fn('ctx, r', this.body(branch.body, path));
      this.branchFns.set(branch, name);
    }
    return name;
  }

  blocks(): string {
    const lines = blocksOf(this.file).map((b) => {
      const name = lit(b.name.name);
      if (!this.options.trace) return `if (${this.expr(b.condition)}) return ${name};`;
      return `{ const m = ${this.expr(b.condition)}; ctx.trace.push(${this.traceEntry('block', b.condition, b.span.start.line)}, block: ${name}, matched: m }); if (m) return ${name}; }`;
    });
    return `${lines.join('\n')}\nreturn null;`;
  }

  services(): string {
    const entries = [...servicesOf(this.file)].map(([name, s]) => `[${lit(name)}, ${this.fn('ctx, r', this.body(s.body, name))}]`);
    return `new Map([${entries.join(', ')}])`;
  }
}

export function generate(file: A.SchemeFile, options: GenerateOptions): Generated {
  const g = new Generator(file, options);
  const blocks = g.fn('ctx, r', g.blocks());
  const services = g.services();
  const source = [
    "'use strict';",
    'const NEXT = K.length;',
    ...g.functions,
    `const services = ${services};`,
    `return {`,
    `  block: (ctx) => ${blocks}(ctx, ctx.req),`,
    `  plan(ctx) { const f = services.get(ctx.req.service); return f === undefined ? undefined : f(ctx, ctx.req); },`,
    `};`,
  ].join('\n');
  return { source, scope: g.scope, money: moneyCurrencies(file) };
}
