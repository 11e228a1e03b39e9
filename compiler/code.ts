// Generated JavaScript as a type, after ajv's `_` template: in js`...` the template's own text
// is code, an interpolated Code is inserted as it is, and any other value (a string, number
// or boolean, typically from a source) becomes a literal through `lit`, the one escaper. A
// Code is made only here, so text from a source cannot reach generated code unescaped.
// NAMES are the names generated code binds (compile.ts and standalone.ts bind `K` and `rt` by them).
import { lit } from './literal.js';

declare const isCode: unique symbol;

/** A piece of generated JavaScript. */
export interface Code {
  readonly [isCode]: true;
  readonly text: string;
}

function code(text: string): Code {
  return { text } as Code;
}

export type Interpolated = Code | string | number | boolean;

function piece(v: Interpolated): string {
  return typeof v === 'object' ? v.text : lit(v);
}

/** Code from a template: its text as code, interpolated values as above. */
export function js(template: TemplateStringsArray, ...values: readonly Interpolated[]): Code {
  let text = template[0]!;
  for (let i = 0; i < values.length; i++) text += piece(values[i]!) + template[i + 1]!;
  return code(text);
}

export function joinCode(parts: readonly Code[], separator: Code): Code {
  return code(parts.map((p) => p.text).join(separator.text));
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `object.key`, or `object["key"]` when the key is no identifier. */
export function member(object: Code, key: string): Code {
  return IDENTIFIER.test(key) ? code(`${object.text}.${key}`) : js`${object}[${key}]`;
}

export const NAMES = {
  /** The values passed by reference: `K[i]`. */
  K: js`K`,
  /** The runtime's helpers (runtime/compiled-helpers.ts). */
  rt: js`rt`,
  /** The decision's context (runtime/context.ts). */
  ctx: js`ctx`,
  /** The request (ctx.req), a parameter of every generated function. */
  r: js`r`,
  /** What a chunk of a long chain returns when none of its branches held. */
  NEXT: js`NEXT`,
} as const;
