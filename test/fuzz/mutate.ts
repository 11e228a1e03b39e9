// Grammar-aware mutations of valid schemes: token and line edits, identifiers and literals
// replaced by hostile ones, deep nesting, long conditions and lists. A mutation is plain data
// (indices taken modulo what is there), so fast-check can shrink a list of them.
import fc from 'fast-check';
import { KEYWORD_NAMES } from '../../grammar/tokens.js';

export const HOSTILE_NAMES = [
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__',
  'then', 'fields', 'fields.__proto__', 'fields.constructor', '_', 'é', 'x\u2028y', 'a'.repeat(5000), 'when',
  'not', 'service', 'amount', 'A', 'NaN', 'Infinity', 'undefined', 'null',
];

export const HOSTILE_NUMBERS = [
  '9'.repeat(400), `0.${'0'.repeat(300)}1`, '1e308', '1e-7', '00000', '-1', '1.', '.5', '9007199254740993',
  '99999999999999999999.999', '0', '100%', '1000000000000000000000000%', '99999999999d', '0h', '0.5%',
  '1000000.00', '3d', '12h', '0x10', '1_000', '١٢٣',
];

/** String literals as written in a source: some well-formed, some not. */
export const HOSTILE_STRINGS = [
  '"a\\"b"', '"${x}"', '"*/"', '"/*"', '"\u2028"', '"\u2029"', '"\\\\"', '"`"', '"\'"', '"abc', '"\\u{110000}"',
  '"\\u{D800}"', '"\\u{}"', '"\\u{FFFFFFFFFFFFFFFF}"', '"\\q"', '"\\u{1F600}"', `"${'x'.repeat(20_000)}"`,
  '"</script>"', '"\\"); globalThis.pwned = 1; (\\""', '"__proto__"', '"constructor"', '"\u0000"', '"\uD800"', '""',
];

export const HOSTILE_CODES = ['EUR', 'XXX', 'UK', 'A', 'ZZZZZZZZ', 'NAN', 'E', 'KP', 'JPY', 'KWD', 'X1'];

/** Text pieces for insertions and token soup. */
export const VOCABULARY: readonly string[] = [
  ...KEYWORD_NAMES, '{', '}', '[', ']', '(', ')', ',', '+', '=', '!=', '<', '<=', '>', '>=', '%', '\n', '\r\n',
  '\n', '  ', '\t', 'EUR', 'DE', '10', '0.5%', '3d', '"s"', 'name', 'fields.f', '#c', '#', '"', '\\', '${',
  '*/', '\u2028', '\uFEFF', '\u0000', '😀', 'é', ...HOSTILE_NAMES.slice(0, 8), ...HOSTILE_NUMBERS.slice(0, 12),
];

export type MutationOp =
  | 'deleteToken' | 'insertToken' | 'duplicateToken' | 'swapTokens'
  | 'deleteLine' | 'insertLine' | 'duplicateLine' | 'swapLines'
  | 'name' | 'number' | 'string' | 'code'
  | 'parens' | 'nots' | 'longCondition' | 'longList' | 'truncate';

export interface Mutation {
  readonly op: MutationOp;
  readonly a: number;
  readonly b: number;
  readonly pick: number;
}

const OPS: readonly MutationOp[] = [
  'deleteToken', 'insertToken', 'duplicateToken', 'swapTokens', 'deleteLine', 'insertLine', 'duplicateLine',
  'swapLines', 'name', 'number', 'string', 'code', 'parens', 'nots', 'longCondition', 'longList', 'truncate',
];

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom(...OPS),
  a: fc.nat(),
  b: fc.nat(),
  pick: fc.nat(),
});

const TOKEN = /\r?\n|[ \t]+|"(?:[^"\\\r\n]|\\[^\r\n])*"?|fields\.[a-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?[%dh]?|!=|<=|>=|#[^\r\n]*|[\s\S]/gu;

export function tokensOf(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

const isName = (t: string) => /^[a-z_]/.test(t) && !(KEYWORD_NAMES as readonly string[]).includes(t);
const isNumber = (t: string) => /^\d/.test(t);
const isString = (t: string) => t.startsWith('"');
const isCode = (t: string) => /^[A-Z]/.test(t);

function at<T>(xs: readonly T[], i: number): T {
  return xs[i % xs.length]!;
}

/** Replaces the `a`-th token that satisfies `kind` with `pool[pick]`. */
function replaceToken(tokens: string[], m: Mutation, kind: (t: string) => boolean, pool: readonly string[]): string[] {
  const where = tokens.flatMap((t, i) => (kind(t) ? [i] : []));
  if (!where.length) return tokens;
  const out = [...tokens];
  out[at(where, m.a)] = at(pool, m.pick);
  return out;
}

function tokenEdit(tokens: string[], m: Mutation): string[] {
  if (!tokens.length) return [at(VOCABULARY, m.pick)];
  const i = m.a % tokens.length;
  const j = m.b % tokens.length;
  const out = [...tokens];
  if (m.op === 'deleteToken') out.splice(i, 1);
  else if (m.op === 'insertToken') out.splice(i, 0, at(VOCABULARY, m.pick));
  else if (m.op === 'duplicateToken') out.splice(i, 0, tokens[i]!);
  else [out[i], out[j]] = [tokens[j]!, tokens[i]!];
  return out;
}

function lineEdit(text: string, m: Mutation, donors: readonly string[]): string {
  const lines = text.split('\n');
  const i = m.a % lines.length;
  const j = m.b % lines.length;
  if (m.op === 'deleteLine') lines.splice(i, 1);
  else if (m.op === 'insertLine') lines.splice(i, 0, at(donors, m.pick));
  else if (m.op === 'duplicateLine') lines.splice(i, 0, lines[i]!);
  else [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  return lines.join('\n');
}

/** The `a`-th condition (text after `when` up to ` {` or the line's end) rewritten by `f`. */
function rewriteCondition(text: string, m: Mutation, f: (condition: string) => string): string {
  const found = [...text.matchAll(/\bwhen (.*?)( \{)?$/gmu)];
  if (!found.length) return text;
  const hit = at(found, m.a);
  const start = hit.index + 'when '.length;
  return text.slice(0, start) + f(hit[1]!) + text.slice(start + hit[1]!.length);
}

function longList(text: string, m: Mutation): string {
  const found = [...text.matchAll(/\[([^\]\n,]*)/gu)];
  if (!found.length) return text;
  const hit = at(found, m.a);
  const end = hit.index + hit[0].length;
  const extra = `, ${hit[1]!.trim()}`.repeat(m.pick % 3000);
  return text.slice(0, end) + extra + text.slice(end);
}

function structural(text: string, m: Mutation): string {
  const n = m.pick % 100;
  switch (m.op) {
    case 'parens':
      return rewriteCondition(text, m, (c) => `${'('.repeat(n)}${c}${')'.repeat(m.b % 2 ? n : n + 1)}`);
    case 'nots':
      return rewriteCondition(text, m, (c) => `${'not '.repeat(n)}${c}`);
    case 'longCondition':
      return rewriteCondition(text, m, (c) => Array.from({ length: (m.pick % 600) + 1 }, () => `(${c})`).join(m.b % 2 ? ' and ' : ' or '));
    case 'longList':
      return longList(text, m);
    default:
      return text.slice(0, m.a % (text.length + 1));
  }
}

export function mutate(text: string, m: Mutation, donors: readonly string[]): string {
  switch (m.op) {
    case 'deleteToken':
    case 'insertToken':
    case 'duplicateToken':
    case 'swapTokens':
      return tokenEdit(tokensOf(text), m).join('');
    case 'deleteLine':
    case 'insertLine':
    case 'duplicateLine':
    case 'swapLines':
      return lineEdit(text, m, donors);
    case 'name':
      return replaceToken(tokensOf(text), m, isName, HOSTILE_NAMES).join('');
    case 'number':
      return replaceToken(tokensOf(text), m, isNumber, HOSTILE_NUMBERS).join('');
    case 'string':
      return replaceToken(tokensOf(text), m, isString, HOSTILE_STRINGS).join('');
    case 'code':
      return replaceToken(tokensOf(text), m, isCode, HOSTILE_CODES).join('');
    default:
      return structural(text, m);
  }
}

/**
 * Mutated inputs stay under this many characters, so that the time limit per input means
 * something; sources up to the size limit are tested on their own (test/limits.test.ts).
 */
export const MAX_INPUT = 100_000;

/** Applies the mutations in order, skipping any that would grow the text past MAX_INPUT. */
export function mutateAll(text: string, ms: readonly Mutation[], donors: readonly string[]): string {
  return ms.reduce((t, m) => {
    const next = mutate(t, m, donors);
    return next.length > MAX_INPUT ? t : next;
  }, text);
}
