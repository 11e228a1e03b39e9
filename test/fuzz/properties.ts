// The fuzzing properties, by name: shared by the fixed-seed slice in `npm test`
// (test/fuzz.test.ts) and the long runs of `npm run fuzz` (test/fuzz/main.ts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { arbSource } from '../arbitraries.js';
import { requestArb, schemeArb, stateArb } from '../gen-scheme.js';
import { checkDecisions, checkText } from './invariants.js';
import { mutateAll, mutationArb, VOCABULARY } from './mutate.js';

type Json = Record<string, unknown>;

/** The example schemes, found from test/fuzz/ (vitest) or from dist/test/fuzz/ (`npm run fuzz`). */
function examples(): string[] {
  for (const relative of ['../../examples/', '../../../examples/']) {
    const dir = new URL(relative, import.meta.url);
    if (!existsSync(dir)) continue;
    return readdirSync(dir).filter((f) => f.endsWith('.sluice')).map((f) => readFileSync(new URL(f, dir), 'utf8'));
  }
  throw new Error('examples/ not found');
}

const EXAMPLES = examples();
/** Lines another scheme could lend to a mutation. */
const DONORS = [...new Set(EXAMPLES.flatMap((e) => e.split('\n')))];

const randomText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(...'{}[]()#"\\,+=<>!%.\n\r\t aAzZ09_'.split('')), maxLength: 300 }),
);
const tokenSoup = fc
  .array(fc.tuple(fc.constantFrom(...VOCABULARY), fc.constantFrom(' ', '', '\n', '  ')), { maxLength: 120 })
  .map((ws) => ws.map(([w, sep]) => w + sep).join(''));
const validScheme = fc.oneof(
  { arbitrary: schemeArb, weight: 3 },
  { arbitrary: fc.constantFrom(...EXAMPLES), weight: 1 },
  { arbitrary: arbSource(), weight: 1 },
);
const mutated = fc
  .tuple(validScheme, fc.array(mutationArb, { minLength: 1, maxLength: 6 }))
  .map(([text, ms]) => mutateAll(text, ms, DONORS));

/** A source, requests and a state: compiled must equal interpreted whenever it compiles. */
const decide = (text: string, requests: Json[], state: Json): void => {
  const scheme = checkText(text);
  if (scheme) checkDecisions(scheme, requests, state);
};

const requests = fc.array(requestArb, { minLength: 1, maxLength: 6 });

export const PROPERTIES = {
  /** Any text: parse, check, format and compile never throw nor hang. */
  'random-text': fc.property(randomText, (text) => void checkText(text)),
  /** Sluice words and hostile pieces in any order. */
  'token-soup': fc.property(tokenSoup, (text) => void checkText(text)),
  /** Generated ASTs printed with comments and stray layout: format must be idempotent. */
  'generated-source': fc.property(arbSource(), (text) => void checkText(text)),
  /** Valid schemes after grammar-aware mutations; decisions when they still compile. */
  'mutated-scheme': fc.property(mutated, requests, stateArb, decide),
  /** Valid schemes with many requests: compiled equals interpreted. */
  'decisions': fc.property(schemeArb, fc.array(requestArb, { minLength: 4, maxLength: 8 }), stateArb, decide),
} as const;

export type PropertyName = keyof typeof PROPERTIES;
export const PROPERTY_NAMES = Object.keys(PROPERTIES) as PropertyName[];
