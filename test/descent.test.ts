// The hand-written parser (grammar/descent.ts) must give exactly Chevrotain's statements and bad
// escapes wherever it answers, and answer wherever Chevrotain parses without syntax errors.
import { describe, expect, it } from 'vitest';
import { descend } from '../grammar/descent.js';
import { tokenize } from '../grammar/lexer.js';
import { checkLimits } from '../grammar/limits.js';
import { chevrotainRead, withFinalNewline } from '../grammar/parse.js';
import { agreeOnGenerated, BENCHMARK_SCHEMES, EXAMPLES } from './agreement.js';

/** Both parsers on `text`'s tokens: equal results when the fast one answers, which it does exactly when Chevrotain has no errors. */
function agree(text: string): void {
  const lexed = tokenize(text);
  if (checkLimits(lexed.tokens)) return; // never parsed
  const tokens = withFinalNewline(lexed.tokens);
  const reference = chevrotainRead(tokens);
  const fast = descend(tokens);
  const why = `descent ${fast ? 'answered' : 'gave up'} on ${JSON.stringify(text.slice(0, 300))}`;
  expect(fast === undefined, why).toBe(reference.errors.length > 0);
  if (!fast) return;
  // JSON: key order too, as the JSON outputs print it.
  expect(JSON.stringify(fast.statements)).toBe(JSON.stringify(reference.statements));
  expect(fast.badEscapes).toEqual(reference.badEscapes);
}

const HEAD = 'scheme s\nroute a EUR\n';

describe('the hand-written parser', () => {
  it('equals Chevrotain on the examples and the generated benchmark schemes', () => {
    for (const text of [...EXAMPLES, ...BENCHMARK_SCHEMES]) agree(text);
  });

  it('equals Chevrotain on tricky pieces: else lines, keywords as names, lists, options, escapes', () => {
    const pieces = [
      'service x {\n  when amount > 1 {\n    optimal a\n  }\n\n\n\n  else {\n    reject "no"\n  }\n}',
      'service x {\n  when amount > 1 {\n    optimal a\n  }\n  else when amount > 2 {\n    optimal a\n  }\n}',
      'service x {\n  when {\n    optimal a\n  }\n}',
      'service x {\n  else {\n    optimal a\n  }\n}',
      'service x {\n  optimal a, a 5% split\n  p2p sort oldest, min_amount 3, min_remainder 2, urgent 3d\n}',
      'service x {\n  cascade {\n    weight a 50%, b 50%\n    cost a\n  }\n}',
      'service x {\n  cascade {\n  }\n}',
      'service x {\n  reject "a\\qb"\n}',
      'field min int required\nfield when one_of "a", "b\\x" required\nfield s one_of "a",\nfield b bool',
      'route r EUR fee 1% + 2 markup 3% min 1 max 2 daily 3 monthly 4 p2p disabled\nroute q USD fee 2',
      'route r EUR fee + 2\nroute s EUR fee 1% +',
      'block b when not (country in [DE, FR] or not amount >= 5 EUR) and service = x and fields.k not in []',
      'block b when currency in [EUR,] \nblock c when x = 1 2',
      'block b when weekday = mon and point = "x" and test_mode = true and hour != 3 and x = EUR',
      'mode live\nmode test\nmode x\nrates r\nbase EUR\nattempts 3\np2p first\np2p',
      '\n\n\nscheme s\n\n\n', 'scheme', 'scheme s t', '}', 'service x { }',
    ];
    for (const p of pieces) {
      agree(p);
      agree(HEAD + p);
      agree(`${HEAD + p}\n`);
    }
  });

  it('equals Chevrotain on generated and mutated schemes', () => {
    agreeOnGenerated(agree);
  });
});
