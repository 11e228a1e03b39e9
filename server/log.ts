// Log lines carry text from requests (a decoded path, an error's message): control characters in
// them are escaped, so `%0A` in a URL cannot start a forged line.

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** The line with each control character as a `\uXXXX` escape (`\n` and `\t` as those two). */
export function printable(line: string): string {
  return line.replace(CONTROL, (ch) => (ch === '\n' ? '\\n' : ch === '\t' ? '\\t' : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
