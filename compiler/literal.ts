// The single path by which a value from a source enters generated code: as a JavaScript
// literal, never as code. JSON.stringify quotes and escapes strings; U+2028/U+2029 are
// escaped too, since they end lines in older JavaScript parsers.

export function lit(value: string | number | boolean): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError('lit: not a finite number');
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
