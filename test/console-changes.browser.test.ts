// Four eyes and the audit trail in the page, in headless Chromium against the running service: an
// author's Activate under require_approval makes a request; the author's own Changes view offers
// no Approve (the reason shown); an approver approves it there and the version goes live; the
// audit trail lists each step with the keys' names and filters by action, and pages with More.
// The editor's versions list says who saved each version. Screenshot: docs/console-changes.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEditor } from '../editor/build.mjs';
import type { RunningService } from '../server/start.js';
import { call, CHROMIUM, hasChromium, launchChromium, openPage } from './helpers/browser.js';

const DOCS = join(import.meta.dirname, '..', 'docs');
if (!hasChromium) console.warn(`console-changes.browser.test: skipped, ${CHROMIUM} is missing (apt-get install -y chromium)`);

const SCHEME = (fee: string) => `scheme four_eyes
mode test

route acme_eur EUR fee ${fee}

service sepa_eur {
  optimal acme_eur
}
`;

describe.skipIf(!hasChromium)('changes view: four eyes and the audit trail', () => {
  const adminKey = `sk_admin_changes_${Date.now()}`;
  let browser: Browser;
  let service: RunningService;
  const keys = { author: '', approver: '' };
  const errors: string[] = [];
  let requestId = '';

  beforeAll(async () => {
    mkdirSync(DOCS, { recursive: true });
    await buildEditor({ quiet: true });
    const { startService } = await import('../server/start.js');
    service = await startService({ port: 0, quiet: true, seedExamples: false, adminKey });
    for (const [role, name] of [['author', 'ana'], ['approver', 'bo']] as const) {
      const made = await call(service.url, adminKey, 'POST', '/v1/api-keys', { mode: 'test', name, role });
      keys[role] = made.json['key'] as string;
    }
    for (const [i, fee] of ['1.00', '0.80'].entries()) {
      expect((await call(service.url, keys.author, 'POST', '/v1/schemes/four_eyes/versions', { source: SCHEME(fee), message: i ? 'cheaper acme' : 'first' })).status).toBe(201);
    }
    expect((await call(service.url, keys.approver, 'POST', '/v1/schemes/four_eyes/activate', { version: 1 })).status).toBe(200);
    expect((await call(service.url, adminKey, 'PUT', '/v1/settings/test', { require_approval: true })).status).toBe(200);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it("the author's Activate asks for approval, and the author's key, without the approver role, may not approve it", async () => {
    const page = await openPage(browser, service.url, keys.author, errors);
    // The scheme list: open four_eyes; its versions say who saved them.
    await page.locator('#scheme-list button', { hasText: 'four_eyes' }).first().click();
    const v2 = page.locator('#version-list li', { hasText: 'v2' });
    await v2.waitFor();
    expect(await v2.textContent()).toContain('by ana');
    await v2.locator('button', { hasText: 'Activate' }).click();
    // The dialog: the fee's change against the active v1, and under four eyes a request, not an activation.
    await page.waitForSelector('#activate-dialog[open]');
    await expect.poll(() => page.textContent('#activate-review')).toMatch(/fee\s+1\.00 → 0\.80/);
    expect(await page.textContent('#activate-confirm')).toBe('Request activation');
    await page.click('#activate-confirm');
    await expect.poll(() => page.locator('#status-message').textContent()).toContain('Activation of four_eyes v2 requested');
    const pending = await call(service.url, keys.author, 'GET', '/v1/activation-requests?status=pending');
    const asked = (pending.json['data'] as { id: string; version: number; requested_by: { name: string } }[])[0]!;
    expect(asked).toMatchObject({ version: 2, requested_by: { name: 'ana' } });
    requestId = asked.id;

    await page.keyboard.press('Alt+6');
    await page.waitForSelector(`#pending-list [data-request="${requestId}"]`);
    const approve = page.locator(`#pending-list [data-request="${requestId}"] button`, { hasText: 'Approve' });
    expect(await approve.isDisabled()).toBe(true);
    await expect.poll(() => page.locator(`#pending-list [data-request="${requestId}"]`).textContent()).toContain('Your key has no approver role');
    await page.close();
  });

  it('an approver approves it in the Changes view; the version goes live and the trail says who did what', async () => {
    const page = await openPage(browser, service.url, keys.approver, errors, 900);
    await page.evaluate(() => (location.hash = '#/changes'));
    const card = page.locator(`#pending-list [data-request="${requestId}"]`);
    await card.waitFor();
    expect(await card.textContent()).toContain('four_eyes v1 → v2');
    expect(await card.textContent()).toContain('asked by ana');
    page.once('dialog', (d) => void d.accept('diff reviewed'));
    await card.locator('button', { hasText: 'Approve' }).click();
    await page.waitForSelector('#pending-list p.muted');
    const schemes = await call(service.url, keys.approver, 'GET', '/v1/schemes');
    expect((schemes.json['data'] as { name: string; active_version: number }[]).find((s) => s.name === 'four_eyes')!.active_version).toBe(2);

    await page.waitForSelector('#audit-rows tr[data-action="activation-approved"]');
    const rows = await page.locator('#audit-rows tr').allTextContents();
    expect(rows.find((r) => r.includes('approved and activated four_eyes v2'))).toContain('bo (approver)');
    expect(rows.find((r) => r.includes('asked to activate four_eyes v2'))).toContain('ana (author)');
    expect(rows.find((r) => r.includes('saved four_eyes v2'))).toContain('cheaper acme');
    await page.screenshot({ path: join(DOCS, 'console-changes.png') });

    // Filters and pages.
    await page.selectOption('#audit-action', 'version-saved');
    await page.click('#audit-filters button[type="submit"]');
    await expect.poll(async () => (await page.locator('#audit-rows tr').allTextContents()).every((r) => r.includes('saved four_eyes'))).toBe(true);
    expect(await page.locator('#audit-rows tr').count()).toBe(2);
    // A scheme's history: every kind of entry, only that scheme's.
    await page.selectOption('#audit-action', '');
    await page.fill('#audit-scheme', 'four_eyes');
    await page.click('#audit-filters button[type="submit"]');
    await expect.poll(async () => (await page.locator('#audit-rows tr').allTextContents()).length).toBe(5);
    expect((await page.locator('#audit-rows tr').allTextContents()).every((r) => r.includes('four_eyes'))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
