// A unified diff of two texts by lines (Myers' O(ND) algorithm), with three lines of context, as
// `diff -u` prints it: what `sluice fmt --diff` shows of the layout it would change.

type Edit = { readonly kind: ' ' | '-' | '+'; readonly line: string };

/** The shortest edit script turning `a` into `b`. */
function edits(a: readonly string[], b: readonly string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[max + k - 1]! < v[max + k + 1]!) ? v[max + k + 1]! : v[max + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) x++, y++;
      v[max + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, max);
    }
  }
  return [];
}

function backtrack(trace: readonly Int32Array[], a: readonly string[], b: readonly string[], max: number): Edit[] {
  const out: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && v[max + k - 1]! < v[max + k + 1]!) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : v[max + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) out.push({ kind: ' ', line: a[--x]! }), y--;
    if (d > 0) out.push(x === prevX ? { kind: '+', line: b[--y]! } : { kind: '-', line: a[--x]! });
  }
  return out.reverse();
}

const CONTEXT = 3;

/** `--- old` / `+++ new` and @@ hunks; empty when the texts are equal. */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string): string {
  if (oldText === newText) return '';
  const script = edits(split(oldText), split(newText));
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  let i = 0;
  let oldLine = 1;
  let newLine = 1;
  while (i < script.length) {
    const next = script.findIndex((e, j) => j >= i && e.kind !== ' ');
    if (next < 0) break;
    const skip = Math.max(0, next - i - CONTEXT);
    for (let j = i; j < i + skip; j++) oldLine++, newLine++;
    const start = i + skip;
    let end = next;
    // The hunk runs until CONTEXT * 2 unchanged lines in a row (or the end).
    for (let quiet = 0; end < script.length && quiet < CONTEXT * 2; end++) quiet = script[end]!.kind === ' ' ? quiet + 1 : 0;
    const tail = Math.max(0, script.slice(start, end).reverse().findIndex((e) => e.kind !== ' '));
    const stop = Math.min(end, end - tail + CONTEXT);
    const hunk = script.slice(start, stop);
    const olds = hunk.filter((e) => e.kind !== '+').length;
    const news = hunk.filter((e) => e.kind !== '-').length;
    out.push(`@@ -${range(oldLine, olds)} +${range(newLine, news)} @@`, ...hunk.map((e) => e.kind + e.line));
    oldLine += olds;
    newLine += news;
    i = stop;
  }
  return `${out.join('\n')}\n`;
}

const range = (start: number, count: number): string => (count === 1 ? String(start) : `${count === 0 ? start - 1 : start},${count}`);

/** Lines without their newlines; a text without a final newline keeps its last line whole. */
const split = (text: string): string[] => {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
};
