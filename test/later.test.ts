// Per-request bookkeeping queued for the end of the event loop's turn (server/later.ts): nothing
// is lost, nothing is run twice, and nothing is held past the turn it was added in.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Later } from '../server/later.js';

describe('Later', () => {
  it('runs what a turn added once, in order, at the end of that turn, and holds nothing after', async () => {
    const runs: number[][] = [];
    const later = new Later<number>((items) => runs.push([...items]));
    for (let i = 0; i < 10_000; i++) later.add(i);
    expect(runs).toEqual([]);
    await nextTurn();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    later.flush();
    await nextTurn();
    expect(runs).toHaveLength(1);
  });

  it('runs what is pending at once when flushed (a scrape, a shutdown), and not again at the turn\'s end', async () => {
    const runs: string[][] = [];
    const later = new Later<string>((items) => runs.push([...items]));
    later.add('a');
    later.add('b');
    later.flush();
    expect(runs).toEqual([['a', 'b']]);
    later.add('c');
    await nextTurn();
    expect(runs).toEqual([['a', 'b'], ['c']]);
  });
});
