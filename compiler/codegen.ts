// Code generation: a checked scheme becomes JavaScript source for its blocks and its choice
// of plan, instantiated once. Source literals reach the code only through `lit` (the single
// escaping function); everything else (rationals, sets, plans) is passed by reference in
// `K`, never printed. Chains index `currency`, `country` and one_of fields with bitsets
// (compiler/dispatch.ts), so first-match order is kept while most branches are never tested;
// what is left of their conditions lives in small switch functions, since V8 does not
// optimize very large functions. The traced program is the same code that also records, per
// chain run, which branch held and the values read (runtime/trace.ts's compact entries).
import type * as A from '../grammar/ast.js';
import { ATTRIBUTES, type ValueType } from '../runtime/attributes.js';
import type { RouteDef } from '../runtime/types.js';
import { chainIndex, type ChainIndex, type KeyIndex } from './dispatch.js';
import { valueKey, type AttrName } from '../runtime/conditions.js';
import type { ChainTrace } from '../runtime/trace.js';
import { blocksOf, fieldKindsOf, moneyCurrencies, num, planOf, routesOf, servicesOf } from './lower.js';
import { lit } from './literal.js';
import { scaledNumber } from '../runtime/int.js';
import { attributesSeen } from './trace-table.js';

export interface GenerateOptions {
  /** Record each chain's outcome for the trace (runtime/trace.ts): one entry per chain run. */
  readonly trace: boolean;
}

export interface Generated {
  readonly source: string;
  readonly scope: readonly unknown[];
  readonly money: ReturnType<typeof moneyCurrencies>;
}

/** How a value of the type is compared: exactly as a number, as a safe integer, or by identity. */
type CompareAs = 'num' | 'int' | 'eq';

function comparison(kind: ValueType['kind'] | A.FieldType): CompareAs {
  return kind === 'money' || kind === 'decimal' ? 'num' : kind === 'int' ? 'int' : 'eq';
}

const FUNCTION_BRANCHES = 64;
const CASES_PER_FUNCTION = 128;
/** Up to this many values a string is matched by a switch rather than a Map. */
const SWITCH_VALUES = 16;

/** JavaScript's operator for each comparison (never text from a source). */
const JS_OPS: Readonly<Record<A.CompareOp, string>> = { '=': '===', '!=': '!==', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
/** The helper comparing an int attribute (absent: false) with each operator. */
const INT_HELPERS: Readonly<Record<A.CompareOp, string>> = { '=': 'ieq', '!=': 'ine', '<': 'ilt', '<=': 'ile', '>': 'igt', '>=': 'ige' };

/** A traced chain (or the blocks): see Generator.chainTrace. */
interface TracedChain {
  readonly call: string;
  readonly fns: readonly string[];
  list(): string;
}

class Generator {
  readonly scope: unknown[] = [];
  readonly functions: string[] = [];
  private readonly routes: ReadonlyMap<string, RouteDef>;
  private readonly fieldTypes: ReadonlyMap<string, A.FieldType>;
  /** A branch's body is generated once, however many dispatch cases reach it. */
  private readonly branchFns = new Map<A.Branch, string>();
  /** A trace's values function per list of attributes (joined keys). */
  private readonly valuesFns = new Map<string, string>();

  constructor(
    private readonly file: A.SchemeFile,
    private readonly options: GenerateOptions,
  ) {
    this.routes = routesOf(file);
    this.fieldTypes = fieldKindsOf(file);
  }

  /** A value passed by reference: `K[i]`. */
  ref(value: unknown): string {
    this.scope.push(value);
    return `K[${this.scope.length - 1}]`;
  }

  /** A constant of the generated module, evaluated once. */
  constant(code: string): string {
    const name = `C${this.functions.length}`;
    this.functions.push(`const ${name} = ${code};`);
    return name;
  }

  fn(params: string, body: string): string {
    const name = `f${this.functions.length}`;
    this.functions.push(`function ${name}(${params}) {\n${body}\n}`);
    return name;
  }

  /** How generated code reads an attribute (a reference in a condition, or a dispatch key). */
  private attr(a: Pick<A.AttrRef, 'name' | 'isField'>): { code: string; type: CompareAs } {
    if (!a.isField) {
      const s = ATTRIBUTES.get(a.name);
      return s ? { code: `r.${s.field}`, type: comparison(s.type.kind) } : { code: 'undefined', type: 'eq' };
    }
    const type = this.fieldTypes.get(a.name);
    return { code: `r.fields.get(${lit(a.name)})`, type: type === undefined ? 'eq' : comparison(type) };
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
  private operand(a: A.AttrRef, v: A.Value): { code: string; type: CompareAs } {
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
    if (type === 'num') return this.amountFast(e) ?? `rt.num(${code}, ${this.ref(num(String(raw)))}, ${lit(e.op)})`;
    if (type === 'int') return `rt.${INT_HELPERS[e.op]}(${code}, ${lit(Number(raw))})`;
    if (e.op === '=') return `(${code} === ${lit(raw)})`;
    return `rt.ne(${code}, ${lit(raw)})`;
  }

  /**
   * `amount OP literal` in the request's currency, compared as safe integers of millionths
   * (r.micros, read with the request) when both sides are exact there; NaN falls back to rationals.
   */
  private amountFast(e: A.Comparison): string | undefined {
    if (e.attr.isField || e.attr.name !== 'amount' || (e.value.kind !== 'Number' && e.value.kind !== 'Money')) return undefined;
    const text = e.value.kind === 'Number' ? e.value.text : e.value.amount.text;
    const micros = scaledNumber(num(text), 6);
    if (Number.isNaN(micros)) return undefined;
    const m = 'r.micros';
    const fast = `(${m} === ${m} ? ${m} ${JS_OPS[e.op]} ${lit(micros)} : rt.num(r.amount, ${this.ref(num(text))}, ${lit(e.op)}))`;
    if (e.value.kind === 'Number') return fast;
    const currency = lit(e.value.currency.code);
    return `(r.currency === ${currency} ? ${fast} : rt.num(rt.amountIn(ctx, ${currency}), ${this.ref(num(text))}, ${lit(e.op)}))`;
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
    const conditions = branches.map((b) => b.branch.condition);
    const traced = this.branchesTrace(path, conditions);
    const index = chainIndex(conditions, this.fieldTypes);
    return index ? this.indexed(index, branches, path, traced) : this.linearCall(branches, path, traced);
  }

  /**
   * How a traced chain records its outcome: `call` opens the runtime call (runtime/trace.ts),
   * `fns` are per branch the functions building the values of the attributes read up to it.
   */
  private chainTrace(call: (length: number) => string, conditions: readonly (A.Expr | null)[]): TracedChain | null {
    if (!this.options.trace || conditions.length === 0) return null;
    const fns = attributesSeen(conditions).map((attrs) => this.valuesFn(attrs));
    let list: string | undefined;
    return { call: call(fns.length), fns, list: () => (list ??= this.constant(`[${fns.join(', ')}]`)) };
  }

  private branchesTrace(path: string, conditions: readonly (A.Expr | null)[]): TracedChain | null {
    return this.chainTrace((length) => `rt.branchesTested(ctx, ${this.ref({ path, length } satisfies ChainTrace)}, `, conditions);
  }

  /** `(ctx, r) => ({ KEY: VALUE, ... })` for the attributes (one literal), shared by equal lists. */
  private valuesFn(attrs: readonly AttrName[]): string {
    const key = attrs.map(valueKey).join('\n');
    let name = this.valuesFns.get(key);
    if (name === undefined) {
      const props = attrs.map((a) => `${lit(valueKey(a))}: ${a.name === 'amount' && !a.isField ? 'rt.shownAmount(r)' : `rt.shown(${this.attr(a).code})`}`);
      name = this.fn('ctx, r', `return { ${props.join(', ')} };`);
      this.valuesFns.set(key, name);
    }
    return name;
  }

  /**
   * The statement recording that the chain took branch `i` (code: a number, 'i', or 'null'
   * for none), placed before the branch's body runs so that a nested chain's entry follows;
   * nothing when not tracing.
   */
  private recorded(traced: TracedChain | null, i: string): string {
    if (traced === null) return '';
    const fn = i === 'null' ? traced.fns[traced.fns.length - 1] : i === 'i' ? `${traced.list()}[i]` : traced.fns[Number(i)];
    return `${traced.call}${i}, ${fn}(ctx, r)); `;
  }

  /**
   * `name` = the key's bitset for the request's value. A switch on a few strings compares
   * (mostly interned) strings by identity, cheaper than hashing them for a Map lookup.
   */
  private bitsetRead(k: KeyIndex, name: string): string {
    const read = this.attr(k.key).code;
    if (k.byValue.size > SWITCH_VALUES) return `const ${name} = ${this.ref(k.byValue)}.get(${read}) ?? ${this.ref(k.other)};`;
    const cases = [...k.byValue].map(([v, bits]) => `case ${lit(v)}: ${name} = ${this.ref(bits)}; break;`);
    return `let ${name};\nswitch (${read}) {\n${cases.join('\n')}\ndefault: ${name} = ${this.ref(k.other)};\n}`;
  }

  /**
   * An indexed chain: one bitset per key for the request's value, intersected word by word;
   * the set bits, lowest first, are the branches to test (their residual conditions, by
   * index in a switch split into functions of CASES_PER_FUNCTION) until one holds.
   */
  private indexed(index: ChainIndex, branches: readonly { branch: A.Branch; index: number }[], path: string, traced: TracedChain | null): string {
    const tests = index.residuals.map((c) => `return ${c ? this.expr(c) : 'true'};`);
    const test = this.switchFn(tests, 'return false;');
    const values = branches.map(({ branch, index: i }) => this.bodyValue(branch, `${path}/${i}`));
    const bodies = this.constant(`[${values.join(', ')}]`);
    const reads = index.keys.map((k, n) => this.bitsetRead(k, `s${n}`));
    const word = index.keys.map((_, n) => `s${n}[w]`).join(' & ');
    return [
      ...reads,
      `for (let w = 0; w < ${index.words}; w++) {`,
      `  for (let bits = ${word}; bits !== 0; bits &= bits - 1) {`,
      `    const i = (w << 5) | (31 - Math.clz32(bits & -bits));`,
      `    if (${test}(i, ctx, r)) { ${this.recorded(traced, 'i')}const b = ${bodies}[i]; return typeof b === 'function' ? b(ctx, r) : b; }`,
      `  }`,
      `}`,
      `${this.recorded(traced, 'null')}return null;`,
    ].join('\n');
  }

  /** A function `(i, ctx, r)` running `cases[i]`; long lists nest, so no function grows large. */
  private switchFn(cases: readonly string[], otherwise: string, offset = 0): string {
    if (cases.length <= CASES_PER_FUNCTION) {
      const lines = cases.map((c, k) => `case ${offset + k}: ${c}`);
      return this.fn('i, ctx, r', `switch (i) {\n${lines.join('\n')}\n}\n${otherwise}`);
    }
    // As few parts as keep each under the limit, of equal size: the `if` ladder picking a
    // part runs on every test, so it must stay short (a few rungs, not one per two cases).
    const size = Math.ceil(cases.length / Math.ceil(cases.length / CASES_PER_FUNCTION));
    const parts: string[] = [];
    for (let k = 0; k * size < cases.length; k++) {
      const f = this.switchFn(cases.slice(k * size, (k + 1) * size), otherwise, offset + k * size);
      parts.push(`if (i < ${offset + (k + 1) * size}) return ${f}(i, ctx, r);`);
    }
    return this.fn('i, ctx, r', `${parts.join('\n')}\n${otherwise}`);
  }

  /** A branch's body as a value: its plan (by reference) or the function choosing within it. */
  private bodyValue(branch: A.Branch, path: string): string {
    if (branch.body.kind !== 'Chain') return this.ref(planOf(branch.body, path, this.routes));
    return this.branchFn(branch, path);
  }

  /** Long runs go into functions of their own: V8 does not optimize very large functions. */
  private linearCall(branches: readonly { branch: A.Branch; index: number }[], path: string, traced: TracedChain | null): string {
    if (branches.length <= FUNCTION_BRANCHES) return this.linear(branches, path, traced, 'null');
    const chunks: string[] = [];
    for (let i = 0; i < branches.length; i += FUNCTION_BRANCHES) {
      const f = this.fn('ctx, r', this.linear(branches.slice(i, i + FUNCTION_BRANCHES), path, traced, 'NEXT'));
      chunks.push(`p = ${f}(ctx, r); if (p !== NEXT) return p;`);
    }
    return `{ let p;\n${chunks.join('\n')}\n${this.recorded(traced, 'null')}return null; }`;
  }

  /** First-match tests in order; `otherwise` is returned when none holds (NEXT: on to the next chunk). */
  private linear(branches: readonly { branch: A.Branch; index: number }[], path: string, traced: TracedChain | null, otherwise: 'null' | 'NEXT'): string {
    const lines = branches.map(({ branch, index }) => {
      const cond = branch.condition ? this.expr(branch.condition) : 'true';
      const value = this.bodyValue(branch, `${path}/${index}`);
      const take = branch.body.kind === 'Chain' ? `${value}(ctx, r)` : value;
      return traced === null ? `if (${cond}) return ${take};` : `if (${cond}) { ${this.recorded(traced, lit(index))}return ${take}; }`;
    });
    const end = otherwise === 'null' ? this.recorded(traced, 'null') : '';
    return `${lines.join('\n')}\n${end}return ${otherwise};`;
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
    const blocks = blocksOf(this.file);
    const call = () => `rt.blocksTested(ctx, ${this.ref(blocks.map((b) => b.name.name))}, `;
    const traced = this.chainTrace(call, blocks.map((b) => b.condition));
    const lines = blocks.map((b, i) => `if (${this.expr(b.condition)}) { ${this.recorded(traced, lit(i))}return ${lit(b.name.name)}; }`);
    return `${lines.join('\n')}\n${this.recorded(traced, 'null')}return null;`;
  }

  /** The function choosing a service's plan: a string switch while short, else a Map. */
  services(): string {
    const entries = [...servicesOf(this.file)].map(([name, s]) => [lit(name), this.fn('ctx, r', this.body(s.body, name))] as const);
    if (entries.length <= SWITCH_VALUES) {
      const cases = entries.map(([name, f]) => `case ${name}: return ${f}(ctx, r);`);
      return this.fn('ctx, r', `switch (r.service) {\n${cases.join('\n')}\n}\nreturn undefined;`);
    }
    const map = this.constant(`new Map([${entries.map(([name, f]) => `[${name}, ${f}]`).join(', ')}])`);
    return this.fn('ctx, r', `const f = ${map}.get(r.service);\nreturn f === undefined ? undefined : f(ctx, r);`);
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
    `return {`,
    `  block: (ctx) => ${blocks}(ctx, ctx.req),`,
    `  plan: (ctx) => ${services}(ctx, ctx.req),`,
    `};`,
  ].join('\n');
  return { source, scope: g.scope, money: moneyCurrencies(file) };
}
