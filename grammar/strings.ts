// String literal escapes (LANGUAGE.md §1): \" \\ \n \t \u{HEX}.

export interface DecodedString {
  readonly value: string;
  /** Offsets (into `raw`) and text of escapes that are not allowed. */
  readonly badEscapes: readonly { readonly index: number; readonly text: string }[];
}

const SIMPLE: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t' };

export function decodeString(raw: string): DecodedString {
  const body = raw.slice(1, -1);
  const badEscapes: { index: number; text: string }[] = [];
  let value = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      value += ch;
      continue;
    }
    const next = body[i + 1] ?? '';
    if (Object.hasOwn(SIMPLE, next)) {
      value += SIMPLE[next];
      i++;
      continue;
    }
    const unicode = /^u\{([0-9a-fA-F]{1,6})\}/.exec(body.slice(i + 1));
    const code = unicode ? parseInt(unicode[1]!, 16) : NaN;
    if (unicode && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) {
      value += String.fromCodePoint(code);
      i += unicode[0].length;
      continue;
    }
    const text = unicode ? `\\${unicode[0]}` : `\\${next}`;
    badEscapes.push({ index: i + 1, text });
    value += text;
    i += text.length - 1;
  }
  return { value, badEscapes };
}

/** The canonical source form of a string value (used when code builds ASTs). */
export function encodeString(value: string): string {
  let out = '"';
  for (const ch of value) {
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r' || (ch.codePointAt(0)! < 0x20)) out += `\\u{${ch.codePointAt(0)!.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}
