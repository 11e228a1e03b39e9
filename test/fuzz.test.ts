// A fixed-seed slice of the fuzzing of `npm run fuzz` (test/fuzz/, docs/reliability.md): every
// property for a few hundred inputs. A failure's message has the seed, the path and the
// shrunk counterexample; FUZZ_REPLAY=NAME:SEED:PATH npm run fuzz replays it.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { PROPERTIES, type PropertyName } from './fuzz/properties.js';

const SEED = 20261122;
const RUNS: Record<PropertyName, number> = {
  'random-text': 300,
  'token-soup': 200,
  'generated-source': 20,
  'mutated-scheme': 30,
  'decisions': 15,
};

describe('fuzzing (fixed seed)', () => {
  for (const [name, numRuns] of Object.entries(RUNS) as [PropertyName, number][]) {
    it(`${name}: never throws, never hangs, keeps every invariant`, () => {
      fc.assert(PROPERTIES[name] as fc.IProperty<unknown[]>, { seed: SEED, numRuns });
    });
  }
});
