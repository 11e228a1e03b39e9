// JSON typed into the page (the Try panel, the simulation's state and traffic) read with the
// place of its first mistake: JSON.parse reads it, and when it refuses, a scan finds the line
// and column (the engine's messages name a position only sometimes).

export interface JsonMistake {
  /** 0-based offset into the text. */
  readonly offset: number;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
  /** `expected ',' or '}', found "x"` */
  readonly message: string;
}

export type JsonRead = { readonly ok: true; readonly value: unknown } | ({ readonly ok: false } & JsonMistake);

export function readJson(text: string): JsonRead {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, ...(jsonMistake(text) ?? at(text, text.length, e instanceof Error ? e.message : String(e))) };
  }
}

/** `line 3, column 5: expected …` */
export const mistakeText = (m: JsonMistake): string => `line ${m.line}, column ${m.column}: ${m.message}`;

function at(text: string, offset: number, message: string): JsonMistake {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { offset, line, column: offset - before.lastIndexOf('\n'), message };
}

/** A character as a message names it: `'}'`, `a line break`, `the end`. */
function found(c: string | undefined): string {
  if (c === undefined) return 'the end';
  if (c === '\n') return 'a line break';
  return c < ' ' ? JSON.stringify(c) : `'${c}'`;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/** The first place `text` stops being JSON, or null when it is JSON. Iterative: any depth. */
export function jsonMistake(text: string): JsonMistake | null {
  let i = 0;
  const stack: ('{' | '[')[] = [];
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (expected: string): JsonMistake => at(text, i, `expected ${expected}, found ${found(text[i])}`);
  /** Past what `re` (sticky) matches at i; false when it does not match there. */
  const match = (re: RegExp): boolean => {
    re.lastIndex = i;
    if (!re.test(text)) return false;
    i = re.lastIndex;
    return true;
  };
  /** Past a string at i; false where it breaks. */
  const string = (): boolean => {
    for (i++; i < text.length; ) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return true;
      }
      if (c < ' ' || (c === '\\' && !match(ESCAPE))) return false;
      if (c !== '\\') i++;
    }
    return false;
  };
  const key = (): JsonMistake | null => {
    ws();
    if (text[i] !== '"') return fail('a double-quoted property name');
    if (!string()) return fail('the rest of the string');
    ws();
    if (text[i] !== ':') return fail("':'");
    i++;
    return null;
  };
  for (;;) {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      ws();
      if (text[i] === (c === '{' ? '}' : ']')) i++;
      else {
        stack.push(c);
        const bad = c === '{' ? key() : null;
        if (bad) return bad;
        continue;
      }
    } else if (c === '"') {
      if (!string()) return fail('the rest of the string');
    } else if (text.startsWith('true', i) || text.startsWith('null', i)) i += 4;
    else if (text.startsWith('false', i)) i += 5;
    else if (!match(NUMBER)) return fail('a value');
    // After a value: a comma goes on to the next value, a bracket closes its container.
    for (;;) {
      ws();
      const top = stack.at(-1);
      if (!top) return i === text.length ? null : fail('the end of the text');
      const close = top === '{' ? '}' : ']';
      if (text[i] === close) {
        i++;
        stack.pop();
      } else if (text[i] === ',') {
        i++;
        const bad = top === '{' ? key() : null;
        if (bad) return bad;
        break;
      } else return fail(`',' or '${close}'`);
    }
  }
}
