// JSON numbers that a double cannot hold exactly. JSON.parse rounds every number to a double,
// so `90071992547409.93` arrives as 90071992547409.94: a body's text is checked for such numbers
// before its value is trusted, and a number amount is read only when it is unambiguous.

/**
 * Significant digits any double carries exactly (DBL_DIG): a decimal of at most 15 of them
 * comes back from a double as written, one of more may be a rounded neighbour.
 */
export const EXACT_DIGITS = 15;

/** Digits of a plain decimal's text not counting leading zeros: "0.0120" → 3, "100" → 3. */
export function significantDigits(text: string): number {
  return text.replace(/[-.]/g, '').replace(/^0+/, '').length;
}

/** Whether a number amount is what its sender held: its shortest text has at most EXACT_DIGITS digits. */
export function isExactNumber(n: number): boolean {
  return significantDigits(String(n)) <= EXACT_DIGITS;
}

const NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** A number literal as sign, digits without leading or trailing zeros, and the point's place; equal values, equal keys. */
function valueKey(literal: string): string | undefined {
  const m = NUMBER.exec(literal);
  if (m === null) return undefined;
  let digits = m[2]! + (m[3] ?? '');
  const lead = digits.length - digits.replace(/^0+/, '').length;
  digits = digits.slice(lead).replace(/0+$/, '');
  if (digits === '') return '0';
  // The exponent may be absurd ("1e99999999999999999999"); as a double it still tells values apart.
  const point = m[2]!.length - lead + Number(m[4] ?? 0);
  return `${m[1]}${digits}e${point}`;
}

/**
 * Whether the number literal text[start, end) may not survive JSON.parse: a literal of at most
 * EXACT_DIGITS digits and no exponent always does, so only the others need a look.
 */
export function mayBeInexact(text: string, start: number, end: number): boolean {
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x65 || c === 0x45) return true;
    if (c >= 0x30 && c <= 0x39) digits++;
  }
  return digits > EXACT_DIGITS;
}

export interface InexactNumber {
  /** JSON Pointer to the number. */
  readonly path: string;
  readonly literal: string;
}

type Frame = { kind: 'object'; key: string } | { kind: 'array'; index: number };

/**
 * The first number in a JSON text (valid JSON: parse it first) whose value differs from the
 * double JSON.parse makes of it, with its path; undefined when every number is exact.
 */
export function inexactNumber(text: string): InexactNumber | undefined {
  const stack: Frame[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    const top = stack[stack.length - 1];
    if (c === '"') {
      const end = stringEnd(text, i);
      if (expectKey && top?.kind === 'object') top.key = JSON.parse(text.slice(i, end)) as string;
      i = end;
      continue;
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER_TOKEN.lastIndex = i;
      const literal = NUMBER_TOKEN.exec(text)![0];
      if (mayBeInexact(text, i, i + literal.length) && valueKey(literal) !== valueKey(String(Number(literal)))) return { path: stack.map(segment).join(''), literal };
      i += literal.length;
      continue;
    }
    if (c === '{' || c === '[') {
      stack.push(c === '{' ? { kind: 'object', key: '' } : { kind: 'array', index: 0 });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') stack.pop();
    else if (c === ',' && top?.kind === 'array') top.index++;
    else if (c === ',') expectKey = true;
    else if (c === ':') expectKey = false;
    i++;
  }
  return undefined;
}

const NUMBER_TOKEN = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

const segment = (f: Frame): string => `/${f.kind === 'object' ? f.key.replace(/~/g, '~0').replace(/\//g, '~1') : f.index}`;

/**
 * The index just past the JSON string that opens at `start` (a quote not preceded by an odd run
 * of backslashes closes it), or text.length when none closes it.
 */
export function stringEnd(text: string, start: number): number {
  for (let q = text.indexOf('"', start + 1); q !== -1; q = text.indexOf('"', q + 1)) {
    let slashes = 0;
    while (text.charCodeAt(q - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) return q + 1;
  }
  return text.length;
}
