// The extension's generated files, from language/: the TextMate grammar (from the lexer's token
// table) and the language configuration (the browser editor's). `npm run vscode:generate`
// writes them; test/vscode-extension.test.ts checks the committed ones are current.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LANGUAGE_CONFIGURATION } from '../../language/configuration.js';
import { textmateGrammar } from '../../language/textmate.js';

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** Each generated file's text, by its path in the extension's folder. */
export const GENERATED: Readonly<Record<string, string>> = {
  'syntaxes/sluice.tmLanguage.json': json(textmateGrammar()),
  'language-configuration.json': json(LANGUAGE_CONFIGURATION),
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const folder = process.argv[2] ?? 'editors/vscode';
  for (const [path, text] of Object.entries(GENERATED)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), text);
    console.log(`wrote ${join(folder, path)}`);
  }
}
