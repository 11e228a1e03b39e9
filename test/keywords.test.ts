// The keyword table (grammar/tokens.ts) is the one source of the language's words: the lexer,
// both parsers, completion and highlighting accept exactly its keywords. A scheme that uses
// every keyword in its place is read by each of them; a new keyword must be added to it.
import { describe, expect, it } from 'vitest';
import { completionsAt } from '../language/completion.js';
import { KEYWORD_DOCS, STRATEGY_DOCS } from '../language/docs.js';
import { classifyLine } from '../language/tokens.js';
import { STRATEGY_NAMES } from '../grammar/ast.js';
import { descend } from '../grammar/descent.js';
import { tokenize } from '../grammar/lexer.js';
import { chevrotainRead, withFinalNewline } from '../grammar/parse.js';
import { ALL_TOKENS, AnyKeyword, Identifier, KEYWORD_NAMES, KEYWORD_SETS, KEYWORD_TYPES, Kw, TOKEN_CLASSES } from '../grammar/tokens.js';
import { P2P_SORT_ORDERS, STRATEGY_KINDS } from '../runtime/strategy-names.js';

const EVERY_KEYWORD = `scheme demo
mode live
mode test
rates daily_rates
base EUR
attempts 2
p2p first
require country, created_at
field tier int required
field ratio decimal
field note string
field vip bool
field segment one_of "retail", "business"
route a EUR fee 0.5% + 0.20 markup 1% min 1 max 1000 daily 5000 monthly 90000
route b EUR p2p
route c EUR disabled
block sanctions when country in [KP] or not (test_mode = true) and country not in [DE]
service s {
  when amount > 100 EUR and fields.vip = false {
    weight a 50%, b 50% split
    p2p sort oldest, min_amount 5, urgent 3d, min_remainder 10
  } else when service = s {
    cascade {
      balance a
      conversion a
      cost a
      optimal b
      p2p sort biggest
    }
  } else {
    reject "no"
  }
}
service t {
  optimal b
  p2p sort min_remainder
}
`;

const tokens = tokenize(EVERY_KEYWORD).tokens;
const keywordTokens = tokens.filter((t) => KEYWORD_TYPES.has(t.tokenType));

describe('the keyword table', () => {
  it('is the lexer\'s: every keyword is one token of the keyword category, other words are names', () => {
    for (const word of KEYWORD_NAMES) {
      const [t, ...rest] = tokenize(word).tokens;
      expect(rest).toEqual([]);
      expect(t!.tokenType).toBe(Kw[word]);
      expect(t!.tokenType.CATEGORIES).toContain(AnyKeyword);
    }
    const inCategory = ALL_TOKENS.filter((t) => t.CATEGORIES?.includes(AnyKeyword)).map((t) => t.name);
    expect(inCategory.sort()).toEqual(KEYWORD_NAMES.map((w) => `Kw_${w}`).sort());
    for (const word of ['amount', 'country', 'fields', 'schemes', 'whenever', 'route_a', 'min_', 'costs', 'True']) {
      expect(tokenize(word).tokens.map((t) => t.tokenType === Identifier || t.tokenType.name === 'Code')).toEqual([true]);
    }
  });

  it('holds the keyword sets and the runtime\'s strategy and sort-order names', () => {
    const inSets = Object.values(KEYWORD_SETS).flat();
    for (const w of inSets) expect(KEYWORD_NAMES).toContain(w);
    expect(new Set(inSets).size, 'a word in two sets').toBe(inSets.length);
    expect(KEYWORD_SETS.strategy).toBe(STRATEGY_KINDS);
    expect(KEYWORD_SETS.sortOrder).toBe(P2P_SORT_ORDERS);
    expect(STRATEGY_NAMES).toBe(STRATEGY_KINDS);
    expect(Object.keys(STRATEGY_DOCS).sort()).toEqual([...STRATEGY_KINDS].sort());
    for (const word of Object.keys(KEYWORD_DOCS)) expect(KEYWORD_NAMES).toContain(word);
  });

  it('is used, each keyword in its place, by a scheme both parsers read alike without errors', () => {
    expect(new Set(keywordTokens.map((t) => t.image))).toEqual(new Set(KEYWORD_NAMES));
    const input = withFinalNewline([...tokens]);
    const slow = chevrotainRead(input);
    expect(slow.errors).toEqual([]);
    expect(descend(input)?.statements).toEqual(slow.statements);
  });

  it('is what completion offers: each keyword where the scheme has it, and no other word as a keyword', () => {
    const offeredWords = new Set<string>();
    for (const t of tokens) {
      const labels = completionsAt(EVERY_KEYWORD, t.startLine!, t.startColumn!).items;
      for (const i of labels) if (i.kind === 'keyword' || i.kind === 'strategy') offeredWords.add(i.label);
      if (!KEYWORD_TYPES.has(t.tokenType)) continue;
      // `not` before `in` is offered as the operator `not in`.
      expect(labels.map((i) => i.label.split(' ')[0]), `${t.image} at ${t.startLine}:${t.startColumn}`).toContain(t.image);
    }
    for (const w of offeredWords) expect(KEYWORD_NAMES).toContain(w);
  });

  it('is what highlighting marks: keywords (strategies apart) and nothing else', () => {
    expect(TOKEN_CLASSES.keyword).toEqual(KEYWORD_NAMES.map((w) => Kw[w].name));
    const lines = EVERY_KEYWORD.split('\n');
    for (const t of tokens) {
      const cls = classifyLine(lines[t.startLine! - 1]!).find((c) => c.start === t.startColumn! - 1)?.cls;
      const expected = !KEYWORD_TYPES.has(t.tokenType) ? undefined : KEYWORD_SETS.strategy.includes(t.image as never) ? 'strategy' : 'keyword';
      if (expected) expect(cls, t.image).toBe(expected);
      else expect(['keyword', 'strategy']).not.toContain(cls);
    }
  });
});
