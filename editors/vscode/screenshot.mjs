// Renders images/highlighting.png: examples/eu_payouts.sluice tokenized by the generated grammar
// with vscode-textmate (editors/vscode/highlight.ts), coloured with VS Code's Dark+ token colours
// and photographed in Debian's Chromium. Not a VS Code window: none runs where this is made.
// `npm run build && node editors/vscode/screenshot.mjs`
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const { highlight } = await import(join(root, 'dist', 'editors', 'vscode', 'highlight.js'));

/** Dark+ colours of the scopes the grammar gives (the longest matching prefix wins). */
const COLOURS = [
  ['comment', '#6A9955'],
  ['string', '#CE9178'],
  ['constant.numeric', '#B5CEA8'],
  ['support.constant', '#4FC1FF'],
  ['support.function', '#DCDCAA'],
  ['keyword.operator', '#D4D4D4'],
  ['keyword', '#569CD6'],
  ['variable', '#9CDCFE'],
  ['invalid', '#F44747'],
];
const colour = (scope) => COLOURS.find(([prefix]) => scope.startsWith(prefix))?.[1] ?? '#CCCCCC';
const html = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

const lines = readFileSync(join(root, 'examples', 'eu_payouts.sluice'), 'utf8').trimEnd().split('\n');
const pieces = await highlight(lines);
const body = pieces
  .map((line, i) => `<span class="n">${i + 1}</span>${line.map((p) => `<span style="color:${colour(p.scope)}">${html(p.text)}</span>`).join('')}`)
  .join('\n');
const page = `<!doctype html><meta charset="utf-8"><style>
body { margin: 0; background: #1f1f1f; }
pre { display: inline-block; margin: 0; padding: 12px 16px; color: #cccccc; font: 14px/20px 'DejaVu Sans Mono', monospace; }
.n { display: inline-block; width: 2.5em; margin-right: 1.5em; text-align: right; color: #6e7681; }
</style><pre>${body}</pre>`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
const tab = await browser.newPage({ viewport: { width: 1400, height: 100 }, deviceScaleFactor: 1 });
await tab.setContent(page);
await tab.locator('pre').screenshot({ path: join(here, 'images', 'highlighting.png') });
await browser.close();
console.log(`wrote ${join(here, 'images', 'highlighting.png')}`);
