// A seeded pseudo-random sequence for sample data that must come out the same every time:
// the benchmarks' rules and requests, the editor's sample traffic. Never used to decide.

/** mulberry32: a tiny deterministic PRNG; numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
