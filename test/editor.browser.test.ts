// The browser editor end to end, in headless Chromium against the running service: a mistake
// shows as a marker on its line, the fix clears it, Run decides in the page and paints the
// routing tree green/red, two saves make two versions, and the diff view compares them.
// Screenshots go to test/artifacts/ (SLUICE_README_SCREENSHOT=1 also writes docs/editor.png).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEditor } from '../editor/build.mjs';
import { CHROMIUM, hasChromium, launchChromium, openWithKey } from './helpers/browser.js';
import { startFixtureService } from './helpers/editor-fixture-service.js';

const ARTIFACTS = join(import.meta.dirname, 'artifacts');
if (!hasChromium) console.warn(`editor.browser.test: skipped, ${CHROMIUM} is missing (apt-get install -y chromium)`);

interface Running {
  readonly url: string;
  readonly adminKey: string;
  close(): Promise<void>;
}

/** The real service when it is there (SLUICE_EDITOR_FIXTURE=1 forces the stand-in with the same API). */
async function startAnyService(root: string): Promise<Running> {
  const real = existsSync(join(import.meta.dirname, '..', 'server', 'start.ts'));
  if (real && !process.env['SLUICE_EDITOR_FIXTURE']) {
    const { startService } = (await import('../server/start.js')) as {
      startService(o: { port?: number; quiet?: boolean; seedExamples?: boolean }): Promise<Running>;
    };
    return startService({ port: 0, quiet: true, seedExamples: false });
  }
  return startFixtureService({ root });
}

const BROKEN = `scheme browser_demo
field segment one_of "retail", "business"
route acme_eur EUR fee 0.5% + 0.20
route bankco_eur EUR fee 1.00

block sanctions when country in [KP, IR]

service sepa_eur {
  when fields.segment = "business" {
    balance acme_eur, bankco_eur
  } else {
    optimal acme_eur, bankco_uer
  }
}
`;
const TYPO_LINE = 12;

describe.skipIf(!hasChromium)('browser editor', () => {
  let browser: Browser;
  let page: Page;
  let service: Running;
  const consoleErrors: string[] = [];
  /** The service's CSP forbids eval on the page (see the Try test). */
  let evalBlocked = false;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const root = await buildEditor({ quiet: true });
    service = await startAnyService(root);
    const res = await fetch(`${service.url}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${service.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'test', name: 'browser test' }),
    });
    expect(res.status).toBe(201);
    const { key } = (await res.json()) as { key: string };
    testKey = key;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 860 }, colorScheme: 'dark' });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    const csp = (await fetch(service.url)).headers.get('content-security-policy');
    evalBlocked = csp !== null && !/script-src[^;]*'unsafe-eval'/.test(csp);
    await openWithKey(page, service.url, key);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  const status = () => page.textContent('#status-diagnostics');
  const message = () => page.textContent('#status-message');
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, name) });
  let testKey = '';

  it('shows a mistake as a marker on its line, and clears it once fixed', async () => {
    await page.click('#editor .view-lines');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(BROKEN);
    // Typing re-indents each new line; Format Document puts the canonical layout back.
    await page.keyboard.press('Shift+Alt+F');
    await expect.poll(() => page.evaluate(() => (window as unknown as { sluiceEditor: { model: { getValue(): string } } }).sluiceEditor.model.getValue())).toBe(BROKEN);
    await expect.poll(status, { timeout: 10_000 }).toMatch(/1 error/);
    const markers = await page.evaluate(() => {
      const w = window as unknown as { sluiceEditor: { monaco: { editor: { getModelMarkers(f: object): { startLineNumber: number; message: string }[] } } } };
      return w.sluiceEditor.monaco.editor.getModelMarkers({ owner: 'sluice' }).map((m) => ({ line: m.startLineNumber, message: m.message }));
    });
    expect(markers.filter((m) => /bankco_uer/.test(m.message))).toEqual([{ line: TYPO_LINE, message: expect.stringMatching(/bankco_uer/) }]);
    await page.waitForSelector('#editor .squiggly-error');
    await expect.poll(() => page.textContent('#problems')).toMatch(new RegExp(`${TYPO_LINE}:\\d+.*bankco_uer`));
    await shot('editor-1-marker.png');

    // Fix it from the keyboard: select the typo and type over it.
    await page.evaluate((line) => {
      const w = window as unknown as { sluiceEditor: { editor: { setSelection(r: object): void; focus(): void }; model: { getLineContent(n: number): string } } };
      const text = w.sluiceEditor.model.getLineContent(line);
      const col = text.indexOf('bankco_uer') + 1;
      w.sluiceEditor.editor.setSelection({ startLineNumber: line, startColumn: col, endLineNumber: line, endColumn: col + 'bankco_uer'.length });
      w.sluiceEditor.editor.focus();
    }, TYPO_LINE);
    await page.keyboard.type('bankco_eur');
    await page.keyboard.press('Escape');
    await expect.poll(status, { timeout: 10_000 }).not.toMatch(/error/);
    // The squiggle goes on the next frame after the status bar says so.
    await expect.poll(() => page.locator('#editor .squiggly-error').count()).toBe(0);

    // Completion offers the declared fields after `fields.`.
    const fixed = await page.evaluate(() => (window as unknown as { sluiceEditor: { model: { getValue(): string } } }).sluiceEditor.model.getValue());
    await page.evaluate(() => {
      const w = window as unknown as { sluiceEditor: { editor: { setPosition(p: object): void; focus(): void } } };
      w.sluiceEditor.editor.setPosition({ lineNumber: 7, column: 1 });
      w.sluiceEditor.editor.focus();
    });
    await page.keyboard.type('block b when fields.');
    await page.waitForSelector('#editor .suggest-widget .monaco-list-row[aria-label*="fields.segment"]', { timeout: 10_000 });
    await page.keyboard.press('Escape');
    await page.evaluate((src) => (window as unknown as { sluiceEditor: { model: { setValue(s: string): void } } }).sluiceEditor.model.setValue(src), fixed);
  });

  it('offers the fix a fail-closed warning names as a quick fix, and applies it', async () => {
    type Editor = { sluiceEditor: { model: { getValue(): string; setValue(s: string): void }; editor: { setPosition(p: object): void; focus(): void } } };
    const before = await page.evaluate(() => (window as unknown as Editor).sluiceEditor.model.getValue());
    const source = 'scheme quick\nroute a EUR\n\nblock sanctions when country = KP\n\nservice s {\n  optimal a\n}\n';
    await page.evaluate((src) => (window as unknown as Editor).sluiceEditor.model.setValue(src), source);
    await page.waitForSelector('#editor .squiggly-warning');
    await page.evaluate(() => {
      const w = window as unknown as Editor;
      w.sluiceEditor.editor.setPosition({ lineNumber: 4, column: 23 });
      w.sluiceEditor.editor.focus();
    });
    await page.keyboard.press('ControlOrMeta+.');
    await page.waitForSelector('.action-widget', { timeout: 10_000 });
    expect(await page.textContent('.action-widget')).toContain('Add `require country`');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => (window as unknown as Editor).sluiceEditor.model.getValue())).toContain('scheme quick\nrequire country\nroute a EUR');
    await page.evaluate((src) => (window as unknown as Editor).sluiceEditor.model.setValue(src), before);
  });

  it('runs the Try panel and paints the routing tree green and red', async () => {
    await expect.poll(() => page.evaluate(() => {
      const w = window as unknown as { sluiceEditor: { tryPanel: { request: { getValue(): string } } } };
      return w.sluiceEditor.tryPanel.request.getValue();
    })).toContain('"segment": "retail"');
    // The request editor validates against the scheme's request JSON Schema.
    const jsonMarkers = () =>
      page.evaluate(() => {
        const w = window as unknown as { sluiceEditor: { monaco: { editor: { getModelMarkers(f: object): { message: string }[] } } } };
        return w.sluiceEditor.monaco.editor.getModelMarkers({ owner: 'json' }).map((m) => m.message);
      });
    const setRequest = (text: string) =>
      page.evaluate((t) => (window as unknown as { sluiceEditor: { tryPanel: { request: { setValue(s: string): void } } } }).sluiceEditor.tryPanel.request.setValue(t), text);
    const request = await page.evaluate(() => (window as unknown as { sluiceEditor: { tryPanel: { request: { getValue(): string } } } }).sluiceEditor.tryPanel.request.getValue());
    await setRequest(request.replace('"retail"', '"vip"'));
    await expect.poll(jsonMarkers, { timeout: 15_000 }).toEqual([expect.stringMatching(/retail|enum|allowed|Value is not accepted/i)]);
    await setRequest(request);
    await expect.poll(jsonMarkers, { timeout: 15_000 }).toEqual([]);

    await page.click('#editor .view-lines');
    await page.keyboard.press('ControlOrMeta+Enter');
    if (evalBlocked) {
      // Run compiles in the page (generated decision functions, ajv validators): a CSP without
      // 'unsafe-eval' forbids it, and the page must say so in words.
      console.warn("editor.browser.test: the service's CSP lacks 'unsafe-eval' in script-src, so Run cannot compile in the page; checking only that the page says so");
      await expect.poll(message).toMatch(/Content-Security-Policy forbids compiling in the browser/);
      return;
    }
    await expect.poll(() => page.textContent('#decision-summary')).toBe('routed → acme_eur (optimal)');
    const decision = await page.evaluate(() => {
      const w = window as unknown as { sluiceEditor: { tryPanel: { decision: { getValue(): string } } } };
      return JSON.parse(w.sluiceEditor.tryPanel.decision.getValue()) as { status: string; route: string };
    });
    expect(decision).toMatchObject({ status: 'routed', route: 'acme_eur' });
    const marks = await page.evaluate(() => {
      const w = window as unknown as { sluiceEditor: { model: { getAllDecorations(): { range: { startLineNumber: number }; options: { className?: string | null } }[] } } };
      return w.sluiceEditor.model
        .getAllDecorations()
        .filter((d) => d.options.className?.includes('trace-line'))
        .map((d) => [d.range.startLineNumber, d.options.className!.includes('trace-green') ? 'green' : 'red']);
    });
    // The block passed, `when` failed, `else` taken, optimal chose a route.
    expect(marks).toEqual([[6, 'green'], [9, 'red'], [11, 'green'], [12, 'green']]);
    expect(await page.locator('#editor .trace-green').count()).toBeGreaterThan(0);
    expect(await page.locator('#editor .trace-red').count()).toBeGreaterThan(0);
    await shot('editor-2-try.png');
    if (process.env['SLUICE_README_SCREENSHOT']) await page.screenshot({ path: join(import.meta.dirname, '..', 'docs', 'editor.png') });
  });

  it('saves a version, saves a change as the next, and shows their diff', async () => {
    await page.click('#editor .view-lines');
    await page.keyboard.press('ControlOrMeta+S');
    await page.waitForSelector('#save-dialog[open]');
    await page.keyboard.type('first version');
    await page.keyboard.press('Enter');
    await expect.poll(message, { timeout: 15_000 }).toMatch(/Saved browser_demo v1/);
    await expect.poll(() => page.textContent('#version-list')).toContain('first version');

    // Saving the same source again creates nothing.
    await page.keyboard.press('ControlOrMeta+S');
    await page.keyboard.press('Enter');
    await expect.poll(message, { timeout: 15_000 }).toMatch(/identical to browser_demo v1/);

    // A scheme with errors is refused by the service, which says why.
    await page.evaluate(() => {
      const w = window as unknown as { sluiceEditor: { model: { getValue(): string; setValue(s: string): void } } };
      w.sluiceEditor.model.setValue(w.sluiceEditor.model.getValue().replace('route bankco_eur EUR fee 1.00', 'route bankco_eur EUR fee 1.00\nroute bankco_eur EUR'));
    });
    await page.keyboard.press('ControlOrMeta+S');
    await page.keyboard.press('Enter');
    await expect.poll(message, { timeout: 15_000 }).toMatch(/Not saved/);
    await expect.poll(() => page.textContent('#problems')).toMatch(/bankco_eur/);
    await page.keyboard.press('ControlOrMeta+Z');

    await page.evaluate(() => {
      const w = window as unknown as { sluiceEditor: { model: { getValue(): string; setValue(s: string): void } } };
      const src = w.sluiceEditor.model.getValue().replace(/route bankco_eur EUR[^\n]*\n(route bankco_eur EUR\n)?/, 'route bankco_eur EUR fee 0.80\n');
      w.sluiceEditor.model.setValue(src);
    });
    await page.keyboard.press('ControlOrMeta+S');
    await page.keyboard.type('cheaper bankco');
    await page.keyboard.press('Enter');
    await expect.poll(message, { timeout: 15_000 }).toMatch(/Saved browser_demo v2/);

    await page.click('#btn-diff');
    await page.waitForSelector('#diff .monaco-diff-editor');
    expect(await page.inputValue('#diff-from')).toBe('1');
    expect(await page.inputValue('#diff-to')).toBe('2');
    await page.waitForSelector('#diff .monaco-diff-editor .char-insert, #diff .monaco-diff-editor .line-insert', { timeout: 10_000 });
    const text = async (side: string) => ((await page.textContent(`#diff .editor.${side} .view-lines`)) ?? '').replace(/\u00a0/g, ' ');
    expect(await text('original')).toContain('route bankco_eur EUR fee 1.00');
    expect(await text('modified')).toContain('route bankco_eur EUR fee 0.80');
    // Beside the lines, what changed by structure.
    await expect.poll(() => page.textContent('#diff-semantic')).toMatch(/route bankco_eur[\s\S]*fee\s+1\.00 → 0\.80/);
    // Rendered, not Markdown: a heading per section, the changes in a coloured diff block.
    expect(await page.locator('#diff-semantic h3').allTextContents()).toEqual(['Routes']);
    expect(await page.textContent('#diff-semantic pre.md-code .md-line.md-change')).toMatch(/^~ route bankco_eur/);
    await shot('editor-3-diff.png');
    await page.keyboard.press('Escape');
    expect(await page.isHidden('#diff')).toBe(true);

    // Activate from the versions list: the dialog shows what changes against the active version
    // and the decision impact on sample traffic (no payout requests yet), then activates.
    // v1 first: nothing is active yet, so there is nothing to compare with.
    await page.click('#version-list li:last-child button.small');
    await page.waitForSelector('#activate-dialog[open]');
    await expect.poll(() => page.textContent('#activate-review')).toBe('No version of browser_demo is active: v1 will be the first.');
    await page.click('#activate-confirm');
    await expect.poll(message, { timeout: 15_000 }).toMatch(/Activated browser_demo v1/);
    await page.click('#version-list li:first-child button.small');
    await page.waitForSelector('#activate-dialog[open]');
    expect(await page.textContent('#activate-title')).toBe('Activate browser_demo v2');
    await expect.poll(() => page.textContent('#activate-review'), { timeout: 15_000 }).toMatch(/route bankco_eur[\s\S]*fee\s+1\.00 → 0\.80/);
    expect(await page.textContent('#activate-traffic')).toMatch(/Decision impact on 200 sample requests made from the scheme/);
    expect(await page.textContent('#activate-review')).toMatch(/Decision impact/);
    await page.fill('#activate-message', 'bankco is cheaper now');
    await page.screenshot({ path: join(import.meta.dirname, '..', 'docs', 'editor-activate.png') });
    await page.click('#activate-confirm');
    await expect.poll(message, { timeout: 15_000 }).toMatch(/Activated browser_demo v2/);
    const history = await fetch(`${service.url}/v1/schemes/browser_demo/history`, { headers: { authorization: `Bearer ${testKey}` } });
    expect(((await history.json()) as { data: { action: string; message: string }[] }).data[0]).toMatchObject({ action: 'activated', message: 'bankco is cheaper now' });
    // Only the refused save's 422 shows in the console; no script error anywhere.
    const errors = evalBlocked ? consoleErrors.filter((e) => !/Error compiling schema|unsafe-eval|Content Security Policy/i.test(e)) : consoleErrors;
    expect(errors).toEqual([expect.stringMatching(/status of 422/)]);
  });
});
