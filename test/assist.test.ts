// Completion's content assist (grammar/assist.ts) reads a shortened prefix; here it answers
// as Chevrotain does on the whole prefix, at every token of the examples and a generated scheme.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateRules, schemeSource } from '../bench/generate.js';
import { nextTokens } from '../grammar/assist.js';
import { tokenize } from '../grammar/lexer.js';
import { SluiceParser } from '../grammar/parser.js';

const parser = new SluiceParser();
const sources = [
  ...readdirSync('examples').filter((f) => f.endsWith('.sluice')).map((f) => readFileSync(`examples/${f}`, 'utf8')),
  schemeSource(generateRules(12)),
  'scheme x\nservice s {\n  when amount > 1 {\n    optimal a\n  }\n  else when currency = EUR {\n    cost a\n  }\n  else {\n    reject "r"\n  }\n}\n',
];

const names = (next: readonly { type: { name: string }; rule: string }[]) => [...new Set(next.map((n) => `${n.type.name} ${n.rule}`))].sort();

describe('content assist on a shortened prefix', () => {
  it('offers what the whole prefix offers at every token', () => {
    for (const source of sources) {
      const tokens = tokenize(source).tokens;
      for (let i = 0; i <= tokens.length; i++) {
        const prefix = tokens.slice(0, i);
        const whole = parser.computeContentAssist('file', prefix).map((p) => ({ type: p.nextTokenType, rule: p.ruleStack[p.ruleStack.length - 1]! }));
        expect(names(nextTokens(prefix)), `${source.slice(0, 20)} at token ${i}`).toEqual(names(whole));
      }
    }
  });
});
