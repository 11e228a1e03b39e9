// The sources on which the fast paths (grammar/scan.ts, grammar/descent.ts) must agree with the
// Chevrotain lexer and parser they stand in for.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { generateRules, schemeSource } from '../bench/generate.js';
import { mutateAll, mutationArb, VOCABULARY } from './fuzz/mutate.js';
import { schemeArb } from './gen-scheme.js';

const SEED = { seed: 20261123, numRuns: 300 };

export const EXAMPLES: readonly string[] = readdirSync(new URL('../examples/', import.meta.url))
  .filter((f) => f.endsWith('.sluice'))
  .map((f) => readFileSync(new URL(`../examples/${f}`, import.meta.url), 'utf8'));

export const BENCHMARK_SCHEMES: readonly string[] = [10, 100, 1000].map((n) => schemeSource(generateRules(n)));

/** `agree` on 300 generated schemes, and on each with up to four mutations. */
export function agreeOnGenerated(agree: (text: string) => void): void {
  fc.assert(
    fc.property(schemeArb, fc.array(mutationArb, { maxLength: 4 }), (source, mutations) => {
      agree(source);
      agree(mutateAll(source, mutations, VOCABULARY));
    }),
    SEED,
  );
}
