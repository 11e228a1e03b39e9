// The editor's frictions a new scheme author met (issue 17, item 5), each driven in headless
// Chromium against the service with its example schemes loaded: the first-open draft is named
// like no stored scheme and saving a draft into a stored scheme asks first; the problems panel
// shows its last row; the Versions list follows the open scheme; the Try panel's notes stay
// inside the editor (the whole note on hover); invalid JSON replaces the old decision with
// where the mistake is. Screenshots go to test/artifacts/ (SLUICE_README_SCREENSHOT=1 also
// writes the docs/editor-*.png the README shows).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEditor } from '../editor/build.mjs';
import type { RunningService } from '../server/start.js';
import { call as api, CHROMIUM, hasChromium, launchChromium, openPage } from './helpers/browser.js';

const ARTIFACTS = join(import.meta.dirname, 'artifacts');
const DOCS = join(import.meta.dirname, '..', 'docs');
if (!hasChromium) console.warn(`editor-frictions.browser.test: skipped, ${CHROMIUM} is missing (apt-get install -y chromium)`);

/** The page's handles (main.ts puts them on window for tests). */
interface Handles {
  sluiceEditor: {
    model: { getValue(): string; setValue(s: string): void };
    editor: { setPosition(p: object): void; focus(): void };
    lifecycle: { name(): string };
    tryPanel: { request: { getValue(): string; setValue(s: string): void } };
  };
}

/** A rect as plain numbers, for comparing boxes on the page. */
interface Box {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

describe.skipIf(!hasChromium)('editor frictions', () => {
  let browser: Browser;
  let page: Page;
  let service: RunningService;
  let key = '';
  const pageErrors: string[] = [];

  const call = (method: string, path: string, body?: unknown, bearer = key) => api(service.url, bearer, method, path, body);
  const latest = async (name: string) => {
    const { json } = await call('GET', `/v1/schemes/${name}/versions`);
    const list = (Array.isArray(json) ? json : (json['data'] ?? json['versions'])) as { version: number }[];
    return Math.max(...list.map((v) => v.version));
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await buildEditor({ quiet: true });
    const { startService } = await import('../server/start.js');
    // The examples are loaded as on a first start: eu_payouts and global_payouts, v1, active.
    service = await startService({ port: 0, quiet: true, seedExamples: true });
    const created = await call('POST', '/v1/api-keys', { mode: 'test', name: 'frictions browser test' }, service.adminKey);
    expect(created.status).toBe(201);
    key = created.json['key'] as string;
    // Someone saved an `untitled` scheme already.
    expect((await call('POST', '/v1/schemes/untitled/versions', { source: 'scheme untitled\nroute a EUR\n\nservice s {\n  optimal a\n}\n', message: 'an earlier draft' })).status).toBe(201);
    browser = await launchChromium();
    page = await openPage(browser, service.url, key, pageErrors);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  const source = () => page.evaluate(() => (window as unknown as Handles).sluiceEditor.model.getValue());
  const setSource = (text: string) => page.evaluate((t) => (window as unknown as Handles).sluiceEditor.model.setValue(t), text);
  const message = () => page.textContent('#status-message');
  const current = (list: string) => page.locator(`${list} li.current`).allTextContents();
  const shot = async (name: string, docs = false) => {
    await page.screenshot({ path: join(ARTIFACTS, name) });
    if (docs && process.env['SLUICE_README_SCREENSHOT']) await page.screenshot({ path: join(DOCS, name) });
  };
  const schemeButton = (name: string) => page.locator('#scheme-list li button.item', { has: page.locator('.item-name', { hasText: new RegExp(`^${name}$`) }) });
  const box = (selector: string) => page.locator(selector).first().evaluate((el): Box => el.getBoundingClientRect().toJSON() as Box);

  it('names the first-open draft like no stored scheme, and asks before saving a draft into a stored one', async () => {
    // `untitled` is taken: the untouched sample becomes untitled_2, with no versions and no scheme highlighted.
    await expect.poll(source).toMatch(/^scheme untitled_2\n/);
    expect(await page.evaluate(() => (window as unknown as Handles).sluiceEditor.lifecycle.name())).toBe('untitled_2');
    await expect.poll(() => page.textContent('#version-list')).toBe('No versions of untitled_2 saved yet.');
    expect(await current('#scheme-list')).toEqual([]);
    await expect.poll(() => page.textContent('#status-diagnostics')).toMatch(/no problems/);

    // Renamed to an example's name, the draft is not that example: saving asks, and Enter alone saves nothing.
    await setSource((await source()).replace('scheme untitled_2', 'scheme eu_payouts'));
    // The sidebar follows the name: eu_payouts's versions, the draft would go there.
    await expect.poll(() => page.textContent('#version-list')).toContain('example eu_payouts.sluice');
    await page.click('#editor .view-lines');
    await page.keyboard.press('ControlOrMeta+S');
    await page.waitForSelector('#save-dialog[open] #save-other:not([hidden])');
    expect(await page.textContent('#save-dialog .save-warning')).toMatch(/^A scheme named eu_payouts is stored already \(latest v1\), and the editor did not open it: saving adds this draft to it as v2/);
    expect(await page.textContent('#save-confirm')).toBe('Add as v2');
    await shot('editor-save-existing.png', true);
    await page.keyboard.type('mine');
    await page.keyboard.press('Enter');
    expect(await page.isVisible('#save-dialog[open]')).toBe(true);
    await page.click('#save-dialog button[value=cancel]');
    expect(await page.isVisible('#save-dialog[open]')).toBe(false);
    expect(await latest('eu_payouts')).toBe(1);

    // Ticking the box says yes.
    await page.keyboard.press('ControlOrMeta+S');
    await page.waitForSelector('#save-dialog[open] #save-other:not([hidden])');
    await page.check('#save-other-ok');
    await page.focus('#save-message');
    await page.keyboard.type('the sample, on purpose');
    await page.keyboard.press('Enter');
    await expect.poll(message).toBe('Saved eu_payouts v2.');
    expect(await latest('eu_payouts')).toBe(2);

    // The scheme the editor came from gets its next version without a question; a new name makes a new scheme.
    const ask = async () => {
      await page.keyboard.press('ControlOrMeta+S');
      await page.waitForSelector('#save-dialog[open]');
      const asked = { asks: await page.isVisible('#save-other'), target: await page.textContent('#save-dialog .save-target') };
      await page.click('#save-dialog button[value=cancel]');
      return asked;
    };
    await setSource((await source()).replace('fee 1.00', 'fee 0.90'));
    expect(await ask()).toEqual({ asks: false, target: 'eu_payouts v3' });
    await setSource((await source()).replace('scheme eu_payouts', 'scheme my_first'));
    expect(await ask()).toEqual({ asks: false, target: 'my_first (a new scheme)' });
  });

  it('shows the problems panel’s last row, and scrolls to it when there are many', async () => {
    const unused = (n: number) => `scheme problems\n${Array.from({ length: n }, (_, i) => `route unused_${i + 1} EUR`).join('\n')}\n`;
    const rows = async () =>
      page.evaluate(() => {
        const panel = document.getElementById('problems')!;
        const status = document.querySelector('footer.status')!.getBoundingClientRect();
        const all = [...panel.querySelectorAll('.problem')].map((r) => r.getBoundingClientRect().toJSON() as Box);
        return { panel: panel.getBoundingClientRect().toJSON() as Box, status: status.toJSON() as Box, rows: all, scrolls: panel.scrollHeight > panel.clientHeight };
      });
    await setSource(unused(8));
    await expect.poll(async () => (await rows()).rows.length).toBe(8);
    const few = await rows();
    // All eight fit: the last row ends inside the panel, which ends above the status bar.
    expect(few.scrolls).toBe(false);
    expect(few.rows.at(-1)!.bottom).toBeLessThanOrEqual(few.panel.bottom);
    expect(few.panel.bottom).toBeLessThanOrEqual(few.status.top + 0.5);
    await shot('editor-problems.png', true);

    await setSource(unused(40));
    await expect.poll(async () => (await rows()).rows.length).toBe(40);
    await page.locator('#problems').evaluate((p) => (p.scrollTop = p.scrollHeight));
    const many = await rows();
    expect(many.scrolls).toBe(true);
    expect(many.rows.at(-1)!.bottom).toBeLessThanOrEqual(many.panel.bottom);
    expect(many.panel.bottom).toBeLessThanOrEqual(many.status.top + 0.5);
    // The editor keeps most of the column.
    expect((await box('#editor')).bottom - (await box('#editor')).top).toBeGreaterThan(many.panel.bottom - many.panel.top);
  });

  it('keeps the Versions list and the highlighted scheme on the scheme the editor holds', async () => {
    const open = async (name: string) => {
      await schemeButton(name).click();
      await expect.poll(message).toMatch(new RegExp(`^Opened ${name} v\\d`));
    };
    await page.click('#btn-refresh');
    await open('global_payouts');
    await expect.poll(() => page.textContent('#version-list')).toContain('example global_payouts.sluice');
    expect(await current('#scheme-list')).toEqual([expect.stringMatching(/^global_payouts/)]);
    await open('eu_payouts');
    await expect.poll(() => page.textContent('#version-list')).toContain('the sample, on purpose');
    expect(await current('#scheme-list')).toEqual([expect.stringMatching(/^eu_payouts/)]);
    expect(await current('#version-list')).toEqual([expect.stringMatching(/^v2/)]);

    // A new name on the scheme line: no versions yet, nothing highlighted.
    await page.fill('#scheme-name', '');
    await setSource((await source()).replace('scheme eu_payouts', 'scheme brand_new'));
    await expect.poll(() => page.textContent('#version-list')).toBe('No versions of brand_new saved yet.');
    expect(await current('#scheme-list')).toEqual([]);

    // Two schemes chosen at once: the later choice wins, list and editor alike.
    await page.evaluate(() => {
      const buttons = [...document.querySelectorAll<HTMLButtonElement>('#scheme-list li button.item')];
      for (const name of ['eu_payouts', 'global_payouts']) buttons.find((b) => b.querySelector('.item-name')?.textContent === name)!.click();
    });
    await expect.poll(message).toMatch(/^Opened global_payouts v1/);
    await expect.poll(() => page.textContent('#version-list')).toContain('example global_payouts.sluice');
    expect(await source()).toMatch(/^scheme global_payouts\n/);
    expect(await current('#scheme-list')).toEqual([expect.stringMatching(/^global_payouts/)]);
  });

  it('fits the Try panel’s notes inside the editor, with the whole note on hover', async () => {
    await schemeButton('eu_payouts').click();
    await expect.poll(message).toMatch(/^Opened eu_payouts v\d/);
    await page.click('#btn-prefill');
    await page.click('#btn-run');
    await expect.poll(() => page.textContent('#decision-summary')).toBe('routed → acme_eur (optimal)');
    await page.waitForSelector('#editor .trace-note');
    const edge = await page.evaluate(() => {
      const guard = document.querySelector('#editor .overflow-guard')!.getBoundingClientRect();
      const bar = document.querySelector('#editor .scrollbar.vertical')?.getBoundingClientRect().width ?? 0;
      return guard.right - bar;
    });
    const notes = await page.locator('#editor .trace-note').evaluateAll((els) => els.map((e) => ({ text: (e.textContent ?? '').replace(/\u00a0/g, ' '), right: e.getBoundingClientRect().right })));
    expect(notes.length).toBeGreaterThan(3);
    for (const n of notes) expect(n.right, n.text).toBeLessThanOrEqual(edge);
    // The first branch's note is cut short, and the hover holds all of it.
    const cut = notes.find((n) => n.text.includes('not taken: amount >= 10000 EUR'));
    expect(cut?.text).toMatch(/…$/);
    await page.locator('#editor .trace-note', { hasText: 'not taken: amount >= 10000 EUR' }).hover();
    await expect
      .poll(() => page.locator('.monaco-hover').filter({ visible: true }).allTextContents(), { timeout: 10_000 })
      .toContainEqual(expect.stringContaining('✗ not taken: amount >= 10000 EUR is false (amount = 100.00 EUR)'));
    await shot('editor-try-notes.png', true);
    await page.mouse.move(5, 5);
  });

  it('replaces the old decision with where the request’s JSON goes wrong', async () => {
    const request = await page.evaluate(() => (window as unknown as Handles).sluiceEditor.tryPanel.request.getValue());
    await page.evaluate((t) => (window as unknown as Handles).sluiceEditor.tryPanel.request.setValue(t), request.replace('"currency": "EUR",', '"currency": "EUR"'));
    await page.click('#btn-run');
    await expect.poll(() => page.textContent('#decision-summary')).toBe('invalid JSON in the request');
    const decision = await page.evaluate(() => JSON.parse((window as unknown as { sluiceEditor: { tryPanel: { decision: { getValue(): string } } } }).sluiceEditor.tryPanel.decision.getValue()) as unknown);
    expect(decision).toEqual({ error: 'the request is not valid JSON', line: 4, column: 3, message: `expected ',' or '}', found '"'` });
    expect(await message()).toBe(`The request is not valid JSON: line 4, column 3: expected ',' or '}', found '"'.`);
    // The routing tree of the old decision is gone with it.
    expect(await page.locator('#editor .trace-note').count()).toBe(0);
    await shot('editor-json-error.png', true);
    expect(pageErrors).toEqual([]);
  });
});
