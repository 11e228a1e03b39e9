// NDJSON (one JSON text a line) read as it streams in, holding at most one line at a time.

/** The content types read as NDJSON. */
const NDJSON_TYPES = /^application\/(x-)?ndjson\s*(;|$)/i;

export const isNdjson = (contentType: string | undefined): boolean => NDJSON_TYPES.test(contentType ?? '');

/** One line of the input: its text (no newline, no trailing CR), or undefined when it was longer than allowed. */
export interface Line {
  /** From 1. */
  readonly number: number;
  readonly text: string | undefined;
}

const NEWLINE = 0x0a;

/**
 * The lines of a byte stream, yielded as each chunk completes them (every whole line in the
 * chunk together), so an answer can follow each chunk. A line past `maxBytes` is not kept: it is
 * yielded with no text once its end arrives. Text after the last newline is a line when not empty.
 */
export async function* ndjsonLines(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxBytes: number): AsyncGenerator<Line[]> {
  let parts: Buffer[] = [];
  let size = 0;
  let number = 0;
  const line = (last: Buffer): Line => {
    const whole = size + last.length <= maxBytes;
    const text = whole ? (parts.length ? Buffer.concat([...parts, last]) : last).toString('utf8') : undefined;
    parts = [];
    size = 0;
    return { number: ++number, text: text?.endsWith('\r') ? text.slice(0, -1) : text };
  };
  for await (const chunk of source) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const lines: Line[] = [];
    let start = 0;
    for (let end = bytes.indexOf(NEWLINE); end >= 0; end = bytes.indexOf(NEWLINE, start)) {
      lines.push(line(bytes.subarray(start, end)));
      start = end + 1;
    }
    const rest = bytes.subarray(start);
    // Past the cap the bytes are counted, not kept, until the line ends.
    if (size + rest.length <= maxBytes) parts.push(Buffer.from(rest));
    else parts = [];
    size += rest.length;
    if (lines.length) yield lines;
  }
  if (size > 0) yield [line(Buffer.alloc(0))];
}
