// The browser tests' Chromium (Debian's, never a downloaded one) and the page opened with an
// API key pasted into its Settings box, as a user does.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Opens the page, waits for the editor, and sets the API key through Settings. */
export async function openWithKey(page: Page, url: string, key: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('#editor .monaco-editor .view-lines');
  await page.click('#btn-settings');
  await page.fill('#api-key', key);
  await page.click('#settings-save');
  await page.waitForFunction(() => /key …/.test(document.getElementById('status-key')?.textContent ?? ''));
}

/** A dark page 1440 wide with the service open and the key set; its script errors go to `errors`. */
export async function openPage(browser: Browser, url: string, key: string, errors: string[], height = 860): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height }, colorScheme: 'dark' });
  page.on('pageerror', (e) => errors.push(e.message));
  // A missing element fails its step with its selector rather than the whole test's timeout.
  page.setDefaultTimeout(10_000);
  await openWithKey(page, url, key);
  return page;
}

export interface Answer {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

/** One call to the service's API, for setting up what the page then shows. */
export async function call(base: string, bearer: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
