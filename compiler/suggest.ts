// "did you mean X?" hints: the closest known name within a small edit distance.

const MAX_DISTANCE = 2;
// Hints are for slips in names people type; on longer (hostile) names the quadratic cost is not worth it.
const MAX_LENGTH = 64;

/**
 * Optimal string alignment distance (Levenshtein plus swapping two neighbours), stopping
 * early once every alignment exceeds `limit`: callers only care about near misses.
 */
function editDistance(a: string, b: string, limit = MAX_DISTANCE): number {
  if (Math.abs(a.length - b.length) > limit || a.length > MAX_LENGTH) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
    }
    if (Math.min(...row) > limit) return limit + 1;
    [prev2, prev] = [prev, row];
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `name` within `maxDistance` (2 by default) and nearer than the
 * length of `name` (so `ab` never "means" an unrelated `cd`); ties go to the earlier one.
 */
export function closest(name: string, candidates: Iterable<string>, maxDistance = MAX_DISTANCE): string | undefined {
  const limit = Math.min(maxDistance, name.length - 1);
  let best: { name: string; distance: number } | undefined;
  for (const c of candidates) {
    if (c === name) continue;
    const distance = editDistance(name, c, limit);
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name: c, distance };
  }
  return best?.name;
}

/** A message's closing hint and, when it names one, the text that would replace the problem's span. */
export interface Hint {
  readonly text: string;
  readonly replacement?: string;
}

export const NO_HINT: Hint = { text: '' };

/** `; did you mean X?`, with X as the replacement. */
export function meant(replacement: string): Hint {
  return { text: `; did you mean ${replacement}?`, replacement };
}

/** `; did you mean X?` for the closest candidate (as `show` writes it), or no hint when none is close. */
export function didYouMean(name: string, candidates: Iterable<string>, show: (c: string) => string = (c) => c): Hint {
  const c = closest(name, candidates);
  return c === undefined ? NO_HINT : meant(show(c));
}
