// What a JSON body's schema cannot say: how deep it nests, and that no string in it holds U+0000,
// which PostgreSQL refuses in text and jsonb.
import { mayBeInexact, stringEnd } from '../runtime/json-numbers.js';
import { Problem } from './problem.js';

/** Levels of arrays and objects a body may nest; the deepest body schema needs a handful. */
export const MAX_DEPTH = 64;

/** Per level of the scan below: array or object, the element count, and the last string's bounds. */
const isArray = new Uint8Array(MAX_DEPTH + 1);
const elements = new Uint32Array(MAX_DEPTH + 1);
const keyStart = new Int32Array(MAX_DEPTH + 1);
const keyEnd = new Int32Array(MAX_DEPTH + 1);

/**
 * One pass over JSON text before it is parsed. Refuses nesting deeper than MAX_DEPTH (4 MiB of
 * `[` would parse into two million arrays, about 100 MB), and tells whether any number literal
 * needs the exact check after parsing (inexactNumber): true when one mayBeInexact. No allocation;
 * a string is skipped by searching for its closing quote, and each level remembers where it is
 * so the problem can name the path.
 */
export function scanJsonText(text: string): boolean {
  let depth = 0;
  let numbersToCheck = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      const end = stringEnd(text, i);
      keyStart[depth] = i;
      keyEnd[depth] = end;
      i = end - 1;
    } else if ((ch >= 0x30 && ch <= 0x39) || ch === 0x2d) {
      const end = numberEnd(text, i);
      numbersToCheck ||= mayBeInexact(text, i, end);
      i = end - 1;
    } else if (ch === 0x5b || ch === 0x7b) {
      if (depth === MAX_DEPTH) throw tooDeep(text, depth);
      depth++;
      isArray[depth] = ch === 0x5b ? 1 : 0;
      elements[depth] = 0;
      keyStart[depth] = -1;
    } else if (ch === 0x5d || ch === 0x7d) {
      if (depth > 0) depth--;
    } else if (ch === 0x2c) {
      elements[depth]!++;
    }
  }
  return numbersToCheck;
}

/** Past the run of characters a number literal is made of (digits, `.`, `-`, `+`, `e`, `E`). */
function numberEnd(text: string, start: number): number {
  let i = start + 1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x2b || c === 0x65 || c === 0x45)) break;
  }
  return i;
}

function tooDeep(text: string, depth: number): Problem {
  const path = pointer(Array.from({ length: depth }, (_, i) => step(text, i + 1)));
  return new Problem(422, 'too-deep', `${path || '/'}: nests deeper than ${MAX_DEPTH} levels`, { errors: [{ path: path || '/', message: `nests deeper than ${MAX_DEPTH} levels` }] });
}

/** The position inside level d's container: an element index, or the key read last on that level. */
function step(text: string, d: number): string | number {
  if (isArray[d]) return elements[d]!;
  if (keyStart[d]! < 0) return '';
  try {
    return String(JSON.parse(text.slice(keyStart[d], keyEnd[d])));
  } catch {
    return text.slice(keyStart[d]! + 1, keyEnd[d]! - 1);
  }
}

/** A JSON Pointer (RFC 6901), as ajv names the paths of schema errors. */
function pointer(path: readonly (string | number)[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * Refuses U+0000 in any string or property name of a parsed body, except at the `allowed` paths.
 * JSON text can only carry it escaped, so text without `\u0000` is passed at the cost of one search.
 */
export function checkNul(text: string, value: unknown, allowed: readonly string[] = []): void {
  if (!text.includes('\\u0000')) return;
  const errors: { path: string; message: string }[] = [];
  findNul(value, [], allowed, errors);
  if (errors.length) throw new Problem(422, 'invalid-body', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
}

const NUL_MESSAGE = 'contains U+0000 (NUL), which is not accepted';

/** Depth is bounded by scanJsonText, so recursion is safe; stops after 10 errors. */
function findNul(value: unknown, at: (string | number)[], allowed: readonly string[], errors: { path: string; message: string }[]): void {
  if (errors.length >= 10) return;
  if (typeof value === 'string') {
    const path = pointer(at);
    if (value.includes('\u0000') && !allowed.includes(path)) errors.push({ path: path || '/', message: NUL_MESSAGE });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => findNul(v, [...at, i], allowed, errors));
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (k.includes('\u0000')) errors.push({ path: pointer([...at, k]), message: `the property name ${NUL_MESSAGE}` });
    findNul(v, [...at, k], allowed, errors);
  }
}
