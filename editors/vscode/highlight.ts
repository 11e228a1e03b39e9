// The generated grammar as VS Code applies it: vscode-textmate (VS Code's own tokenizer) with
// vscode-oniguruma's regular expressions. The grammar test and the README's screenshot use it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import onig from 'vscode-oniguruma';
import textmate from 'vscode-textmate';
import { SCOPE_NAME } from '../../language/textmate.js';
import { GENERATED } from './generate.js';

export interface Piece {
  readonly text: string;
  /** The innermost scope, e.g. `keyword.other.sluice` (`source.sluice` for the text between tokens). */
  readonly scope: string;
}

let wasm: Promise<void> | undefined;

/** Each line's pieces, tokenized with the generated grammar. */
export async function highlight(lines: readonly string[]): Promise<Piece[][]> {
  wasm ??= onig.loadWASM(readFileSync(createRequire(import.meta.url).resolve('vscode-oniguruma/release/onig.wasm')));
  await wasm;
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p) => new onig.OnigScanner(p), createOnigString: (s) => new onig.OnigString(s) }),
    loadGrammar: async (scope) => (scope === SCOPE_NAME ? textmate.parseRawGrammar(GENERATED['syntaxes/sluice.tmLanguage.json']!, 'sluice.tmLanguage.json') : null),
  });
  const grammar = await registry.loadGrammar(SCOPE_NAME);
  if (!grammar) throw new Error(`no grammar for ${SCOPE_NAME}`);
  let state = textmate.INITIAL;
  return lines.map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scope: t.scopes.at(-1)! }));
  });
}
