// Code generation: a checked scheme becomes JavaScript source for its blocks and its choice
// of plan, instantiated once. The source is built as Code (compiler/code.ts): source literals
// reach it only as escaped literals; everything else (rationals, sets, plans) is passed by
// reference in `K`, never printed. Chains index `currency`, `country` and one_of fields with bitsets
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
import { js, joinCode, member, NAMES, type Code } from './code.js';
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

/** An attribute's value as generated code reads it, and how it compares. */
interface Read {
  readonly code: Code;
  readonly type: CompareAs;
}

const FUNCTION_BRANCHES = 64;
const CASES_PER_FUNCTION = 128;
/** Up to this many values a string is matched by a switch rather than a Map. */
const SWITCH_VALUES = 16;

const { K, rt, ctx, r, NEXT } = NAMES;
/** The parameters (and arguments) of every generated function but the switch functions. */
const CTX_R = js`${ctx}, ${r}`;
const NL = js`\n`;
const COMMA = js`, `;
const NONE = js``;

/** JavaScript's operator for each comparison. */
const JS_OPS: Readonly<Record<A.CompareOp, Code>> = { '=': js`===`, '!=': js`!==`, '<': js`<`, '<=': js`<=`, '>': js`>`, '>=': js`>=` };
/** The helper comparing an int attribute (absent: false) with each operator. */
const INT_HELPERS: Readonly<Record<A.CompareOp, Code>> = { '=': js`ieq`, '!=': js`ine`, '<': js`ilt`, '<=': js`ile`, '>': js`igt`, '>=': js`ige` };

/**
 * A traced chain (or the blocks): `helper(ctx, chain, taken, values)` records its outcome
 * (runtime/trace.ts); `fns` are per branch the functions building the values of the
 * attributes read up to it, `list()` the constant array of them.
 */
interface TracedChain {
  readonly helper: Code;
  readonly chain: Code;
  readonly fns: readonly Code[];
  list(): Code;
}

/** A branch a chain took: its index, `i` (the index variable of an indexed chain), or none. */
type Taken = number | 'i' | null;

class Generator {
  readonly scope: unknown[] = [];
  readonly functions: Code[] = [];
  private readonly routes: ReadonlyMap<string, RouteDef>;
  private readonly fieldTypes: ReadonlyMap<string, A.FieldType>;
  /** A branch's body is generated once, however many dispatch cases reach it. */
  private readonly branchFns = new Map<A.Branch, Code>();
  /** A trace's values function per list of attributes (joined keys). */
  private readonly valuesFns = new Map<string, Code>();

  constructor(
    private readonly file: A.SchemeFile,
    private readonly options: GenerateOptions,
  ) {
    this.routes = routesOf(file);
    this.fieldTypes = fieldKindsOf(file);
  }

  /** A value passed by reference: `K[i]`. */
  ref(value: unknown): Code {
    this.scope.push(value);
    return js`${K}[${this.scope.length - 1}]`;
  }

  /** A constant of the generated module, evaluated once. */
  constant(value: Code): Code {
    const name = js`C${this.functions.length}`;
    this.functions.push(js`const ${name} = ${value};`);
    return name;
  }

  fn(params: Code, body: Code): Code {
    const name = js`f${this.functions.length}`;
    this.functions.push(js`function ${name}(${params}) {\n${body}\n}`);
    return name;
  }

  /** How generated code reads an attribute (a reference in a condition, or a dispatch key). */
  private attr(a: Pick<A.AttrRef, 'name' | 'isField'>): Read {
    if (!a.isField) {
      const s = ATTRIBUTES.get(a.name);
      return s ? { code: member(r, s.field), type: comparison(s.type.kind) } : { code: js`undefined`, type: 'eq' };
    }
    const type = this.fieldTypes.get(a.name);
    return { code: js`${r}.fields.get(${a.name})`, type: type === undefined ? 'eq' : comparison(type) };
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
  private operand(a: A.AttrRef, v: A.Value): Read {
    const at = this.attr(a);
    if (a.name === 'amount' && !a.isField && v.kind === 'Money') {
      return { code: js`${rt}.amountIn(${ctx}, ${v.currency.code})`, type: 'num' };
    }
    // An int compared with a literal beyond exact JS integers compares exactly as rationals.
    if (at.type === 'int' && !Number.isSafeInteger(Number(this.value(v)))) return { code: js`${rt}.asRat(${at.code})`, type: 'num' };
    return at;
  }

  expr(e: A.Expr): Code {
    switch (e.kind) {
      case 'Or':
        return js`(${this.expr(e.left)} || ${this.expr(e.right)})`;
      case 'And':
        return js`(${this.expr(e.left)} && ${this.expr(e.right)})`;
      case 'Not':
        return js`!${this.expr(e.operand)}`;
      case 'Paren':
        return this.expr(e.inner);
      case 'Compare':
        return this.compare(e);
      case 'In':
        return this.membership(e);
    }
  }

  private compare(e: A.Comparison): Code {
    const { code, type } = this.operand(e.attr, e.value);
    const raw = this.value(e.value);
    if (type === 'num') return this.amountFast(e) ?? js`${rt}.num(${code}, ${this.ref(num(String(raw)))}, ${e.op})`;
    if (type === 'int') return js`${rt}.${INT_HELPERS[e.op]}(${code}, ${Number(raw)})`;
    if (e.op === '=') return js`(${code} === ${raw})`;
    return js`${rt}.ne(${code}, ${raw})`;
  }

  /**
   * `amount OP literal` in the request's currency, compared as safe integers of millionths
   * (r.micros, read with the request) when both sides are exact there; NaN falls back to rationals.
   */
  private amountFast(e: A.Comparison): Code | undefined {
    if (e.attr.isField || e.attr.name !== 'amount' || (e.value.kind !== 'Number' && e.value.kind !== 'Money')) return undefined;
    const text = e.value.kind === 'Number' ? e.value.text : e.value.amount.text;
    const micros = scaledNumber(num(text), 6);
    if (Number.isNaN(micros)) return undefined;
    const m = js`${r}.micros`;
    const fast = js`(${m} === ${m} ? ${m} ${JS_OPS[e.op]} ${micros} : ${rt}.num(${r}.amount, ${this.ref(num(text))}, ${e.op}))`;
    if (e.value.kind === 'Number') return fast;
    const currency = e.value.currency.code;
    return js`(${r}.currency === ${currency} ? ${fast} : ${rt}.num(${rt}.amountIn(${ctx}, ${currency}), ${this.ref(num(text))}, ${e.op}))`;
  }

  private membership(e: A.Membership): Code {
    const first = e.values[0];
    if (!first) return js`false`;
    const { code, type } = this.operand(e.attr, first);
    const sameOperand = e.values.every((v) => v.kind !== 'Money' || (first.kind === 'Money' && v.currency.code === first.currency.code));
    let test: Code;
    if (type === 'eq' || type === 'int') {
      const set = this.ref(new Set(e.values.map((v) => (type === 'int' ? Number(this.value(v)) : this.value(v)))));
      test = js`${rt}.inSet(${code}, ${set})`;
    } else if (sameOperand) {
      test = js`${rt}.numIn(${code}, ${this.ref(e.values.map((v) => num(String(this.value(v)))))})`;
    } else {
      // Money in several currencies: one comparison each, all required present.
      const parts = e.values.map((v) => this.operand(e.attr, v).code);
      test = js`${rt}.moneyIn([${joinCode(parts, COMMA)}], ${this.ref(e.values.map((v) => num(String(this.value(v)))))})`;
    }
    return e.negated ? js`${rt}.notIn(${test})` : js`(${test} === 1)`;
  }

  /** Code returning the plan of `body`, or null. */
  body(body: A.Body, path: string): Code {
    if (body.kind !== 'Chain') return js`return ${this.ref(planOf(body, path, this.routes))};`;
    const branches = body.branches.map((b, i) => ({ branch: b, index: i }));
    const conditions = branches.map((b) => b.branch.condition);
    const traced = this.chainTrace(js`${rt}.branchesTested`, (length) => ({ path, length }) satisfies ChainTrace, conditions);
    const index = chainIndex(conditions, this.fieldTypes);
    return index ? this.indexed(index, branches, path, traced) : this.linearCall(branches, path, traced);
  }

  /** How a traced chain records its outcome (see TracedChain); null when not tracing. */
  private chainTrace(helper: Code, chain: (length: number) => unknown, conditions: readonly (A.Expr | null)[]): TracedChain | null {
    if (!this.options.trace || conditions.length === 0) return null;
    const fns = attributesSeen(conditions).map((attrs) => this.valuesFn(attrs));
    let list: Code | undefined;
    return { helper, chain: this.ref(chain(fns.length)), fns, list: () => (list ??= this.constant(js`[${joinCode(fns, COMMA)}]`)) };
  }

  /** `(ctx, r) => ({ KEY: VALUE, ... })` for the attributes (one literal), shared by equal lists. */
  private valuesFn(attrs: readonly AttrName[]): Code {
    const key = attrs.map(valueKey).join('\n');
    let name = this.valuesFns.get(key);
    if (name === undefined) {
      const props = attrs.map((a) => js`${valueKey(a)}: ${a.name === 'amount' && !a.isField ? js`${rt}.shownAmount(${r})` : js`${rt}.shown(${this.attr(a).code})`}`);
      name = this.fn(CTX_R, js`return { ${joinCode(props, COMMA)} };`);
      this.valuesFns.set(key, name);
    }
    return name;
  }

  /**
   * The statement recording which branch the chain took, placed before the branch's body
   * runs so that a nested chain's entry follows; nothing when not tracing.
   */
  private recorded(traced: TracedChain | null, taken: Taken): Code {
    if (traced === null) return NONE;
    const fn = taken === null ? traced.fns[traced.fns.length - 1]! : taken === 'i' ? js`${traced.list()}[i]` : traced.fns[taken]!;
    const arg = taken === null ? js`null` : taken === 'i' ? js`i` : js`${taken}`;
    return js`${traced.helper}(${ctx}, ${traced.chain}, ${arg}, ${fn}(${CTX_R})); `;
  }

  /**
   * `name` = the key's bitset for the request's value. A switch on a few strings compares
   * (mostly interned) strings by identity, cheaper than hashing them for a Map lookup.
   */
  private bitsetRead(k: KeyIndex, name: Code): Code {
    const read = this.attr(k.key).code;
    if (k.byValue.size > SWITCH_VALUES) return js`const ${name} = ${this.ref(k.byValue)}.get(${read}) ?? ${this.ref(k.other)};`;
    const cases = [...k.byValue].map(([v, bits]) => js`case ${v}: ${name} = ${this.ref(bits)}; break;`);
    return js`let ${name};\nswitch (${read}) {\n${joinCode(cases, NL)}\ndefault: ${name} = ${this.ref(k.other)};\n}`;
  }

  /**
   * An indexed chain: one bitset per key for the request's value, intersected word by word;
   * the set bits, lowest first, are the branches to test (their residual conditions, by
   * index in a switch split into functions of CASES_PER_FUNCTION) until one holds.
   */
  private indexed(index: ChainIndex, branches: readonly { branch: A.Branch; index: number }[], path: string, traced: TracedChain | null): Code {
    const tests = index.residuals.map((c) => js`return ${c ? this.expr(c) : js`true`};`);
    const test = this.switchFn(tests, js`return false;`);
    const values = branches.map(({ branch, index: i }) => this.bodyValue(branch, `${path}/${i}`));
    const bodies = this.constant(js`[${joinCode(values, COMMA)}]`);
    const reads = index.keys.map((k, n) => this.bitsetRead(k, js`s${n}`));
    const word = joinCode(index.keys.map((_, n) => js`s${n}[w]`), js` & `);
    return joinCode(
      [
        ...reads,
        js`for (let w = 0; w < ${index.words}; w++) {`,
        js`  for (let bits = ${word}; bits !== 0; bits &= bits - 1) {`,
        js`    const i = (w << 5) | (31 - Math.clz32(bits & -bits));`,
        js`    if (${test}(i, ${CTX_R})) { ${this.recorded(traced, 'i')}const b = ${bodies}[i]; return typeof b === 'function' ? b(${CTX_R}) : b; }`,
        js`  }`,
        js`}`,
        js`${this.recorded(traced, null)}return null;`,
      ],
      NL,
    );
  }

  /** A function `(i, ctx, r)` running `cases[i]`; long lists nest, so no function grows large. */
  private switchFn(cases: readonly Code[], otherwise: Code, offset = 0): Code {
    if (cases.length <= CASES_PER_FUNCTION) {
      const lines = cases.map((c, k) => js`case ${offset + k}: ${c}`);
      return this.fn(js`i, ${CTX_R}`, js`switch (i) {\n${joinCode(lines, NL)}\n}\n${otherwise}`);
    }
    // As few parts as keep each under the limit, of equal size: the `if` ladder picking a
    // part runs on every test, so it must stay short (a few rungs, not one per two cases).
    const size = Math.ceil(cases.length / Math.ceil(cases.length / CASES_PER_FUNCTION));
    const parts: Code[] = [];
    for (let k = 0; k * size < cases.length; k++) {
      const f = this.switchFn(cases.slice(k * size, (k + 1) * size), otherwise, offset + k * size);
      parts.push(js`if (i < ${offset + (k + 1) * size}) return ${f}(i, ${CTX_R});`);
    }
    return this.fn(js`i, ${CTX_R}`, js`${joinCode(parts, NL)}\n${otherwise}`);
  }

  /** A branch's body as a value: its plan (by reference) or the function choosing within it. */
  private bodyValue(branch: A.Branch, path: string): Code {
    if (branch.body.kind !== 'Chain') return this.ref(planOf(branch.body, path, this.routes));
    return this.branchFn(branch, path);
  }

  /** Long runs go into functions of their own: V8 does not optimize very large functions. */
  private linearCall(branches: readonly { branch: A.Branch; index: number }[], path: string, traced: TracedChain | null): Code {
    if (branches.length <= FUNCTION_BRANCHES) return this.linear(branches, path, traced, false);
    const chunks: Code[] = [];
    for (let i = 0; i < branches.length; i += FUNCTION_BRANCHES) {
      const f = this.fn(CTX_R, this.linear(branches.slice(i, i + FUNCTION_BRANCHES), path, traced, true));
      chunks.push(js`p = ${f}(${CTX_R}); if (p !== ${NEXT}) return p;`);
    }
    return js`{ let p;\n${joinCode(chunks, NL)}\n${this.recorded(traced, null)}return null; }`;
  }

  /** First-match tests in order; when none holds, null, or NEXT (on to the next chunk) for a chunk. */
  private linear(branches: readonly { branch: A.Branch; index: number }[], path: string, traced: TracedChain | null, chunk: boolean): Code {
    const lines = branches.map(({ branch, index }) => {
      const cond = branch.condition ? this.expr(branch.condition) : js`true`;
      const value = this.bodyValue(branch, `${path}/${index}`);
      const take = branch.body.kind === 'Chain' ? js`${value}(${CTX_R})` : value;
      return traced === null ? js`if (${cond}) return ${take};` : js`if (${cond}) { ${this.recorded(traced, index)}return ${take}; }`;
    });
    const end = chunk ? js`return ${NEXT};` : js`${this.recorded(traced, null)}return null;`;
    return js`${joinCode(lines, NL)}\n${end}`;
  }

  private branchFn(branch: A.Branch, path: string): Code {
    let name = this.branchFns.get(branch);
    if (name === undefined) {
      name = this.fn(CTX_R, this.body(branch.body, path));
      this.branchFns.set(branch, name);
    }
    return name;
  }

  blocks(): Code {
    const blocks = blocksOf(this.file);
    const traced = this.chainTrace(js`${rt}.blocksTested`, () => blocks.map((b) => b.name.name), blocks.map((b) => b.condition));
    const lines = blocks.map((b, i) => js`if (${this.expr(b.condition)}) { ${this.recorded(traced, i)}return ${b.name.name}; }`);
    return js`${joinCode(lines, NL)}\n${this.recorded(traced, null)}return null;`;
  }

  /** The function choosing a service's plan: a string switch while short, else a Map. */
  services(): Code {
    const entries = [...servicesOf(this.file)].map(([name, s]) => [name, this.fn(CTX_R, this.body(s.body, name))] as const);
    if (entries.length <= SWITCH_VALUES) {
      const cases = entries.map(([name, f]) => js`case ${name}: return ${f}(${CTX_R});`);
      return this.fn(CTX_R, js`switch (${r}.service) {\n${joinCode(cases, NL)}\n}\nreturn undefined;`);
    }
    const pairs = entries.map(([name, f]) => js`[${name}, ${f}]`);
    const map = this.constant(js`new Map([${joinCode(pairs, COMMA)}])`);
    return this.fn(CTX_R, js`const f = ${map}.get(${r}.service);\nreturn f === undefined ? undefined : f(${CTX_R});`);
  }
}

export function generate(file: A.SchemeFile, options: GenerateOptions): Generated {
  const g = new Generator(file, options);
  const blocks = g.fn(CTX_R, g.blocks());
  const services = g.services();
  const source = joinCode(
    [
      js`'use strict';`,
      js`const ${NEXT} = ${K}.length;`,
      ...g.functions,
      js`return {`,
      js`  block: (${ctx}) => ${blocks}(${ctx}, ${ctx}.req),`,
      js`  plan: (${ctx}) => ${services}(${ctx}, ${ctx}.req),`,
      js`};`,
    ],
    NL,
  );
  return { source: source.text, scope: g.scope, money: moneyCurrencies(file) };
}
