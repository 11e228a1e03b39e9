// The operations console end to end, in headless Chromium against the running service: a
// processed and a failed payout request with their payouts and green/red routing trees, a route
// balance edited and stored, a simulation in the page's worker that draws its charts beside
// the semantic diff of two versions, a webhook endpoint whose failed delivery is resent, and a
// pending and a reversed payout with the routes' connectors. Set up through the HTTP API; driven
// mostly by keyboard. Screenshots go to test/artifacts/ (SLUICE_README_SCREENSHOT=1 also writes
// the README's three in docs/).
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEditor } from '../editor/build.mjs';
import type { Service } from '../server/start.js';
import { call as api, CHROMIUM, hasChromium, launchChromium, openPage } from './helpers/browser.js';

const ARTIFACTS = join(import.meta.dirname, 'artifacts');
const DOCS = join(import.meta.dirname, '..', 'docs');
if (!hasChromium) console.warn(`console.browser.test: skipped, ${CHROMIUM} is missing (apt-get install -y chromium)`);

const V1 = `scheme console_demo
mode test
attempts 2

field segment one_of "retail", "business"

route acme_eur EUR fee 0.5% + 0.20 daily 50000
route bankco_eur EUR fee 1.00 monthly 1000000

block sanctions when country in [KP, IR]

service sepa_eur {
  when amount >= 1000 EUR {
    optimal acme_eur
  } else {
    optimal acme_eur, bankco_eur
  }
}
`;
/** v2 sends the large payouts to bankco as well. */
const V2 = V1.replace('    optimal acme_eur\n  } else', '    balance bankco_eur, acme_eur\n  } else');

interface Running extends Service {
  readonly url: string;
}

describe.skipIf(!hasChromium)('browser console', () => {
  const adminKey = `sk_admin_console_${Date.now()}`;
  let browser: Browser;
  let page: Page;
  let service: Running;
  let key = '';
  const ids = { processed: '', failed: '' };
  const pageErrors: string[] = [];

  const call = (method: string, path: string, body?: unknown, bearer = key) => api(service.url, bearer, method, path, body);

  /** 201 when the request is final, 202 while a payout is with its provider. */
  const payoutRequest = async (amount: string, status: 201 | 202 = 201) => {
    const r = await call('POST', '/v1/payout-gateway/payout-requests', {
      data: { type: 'payout-request', attributes: { point_amount: amount, point_id: 'pop_console', point_currency: 'EUR', service: 'sepa_eur', fields: { segment: 'retail' } } },
    });
    expect(r.status).toBe(status);
    return r.json['data'] as { id: string; attributes: { status: string; payouts: { route: string; status: string }[] } };
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await buildEditor({ quiet: true });
    const { startService } = (await import('../server/start.js')) as {
      startService(o: { port?: number; quiet?: boolean; seedExamples?: boolean; adminKey?: string; pollBaseMs?: number; sweepMs?: number; webhooks?: { pollMs: number } }): Promise<Running>;
    };
    // Deliveries are looked for often; a failed one waits the default minute, so only Resend retries it here.
    // Payouts are asked about after 100 ms, 200 ms, 400 ms, … so a test outcome due in seconds arrives soon after.
    service = await startService({ port: 0, quiet: true, seedExamples: false, adminKey, pollBaseMs: 100, sweepMs: 100, webhooks: { pollMs: 100 } });

    const created = await call('POST', '/v1/api-keys', { mode: 'test', name: 'console browser test' }, adminKey);
    expect(created.status).toBe(201);
    key = created.json['key'] as string;
    expect((await call('POST', '/v1/schemes/console_demo/versions', { source: V1, message: 'first' })).status).toBe(201);
    expect((await call('POST', '/v1/schemes/console_demo/versions', { source: V2, message: 'bankco for large payouts' })).status).toBe(201);
    expect((await call('POST', '/v1/schemes/console_demo/activate', { version: 1 })).status).toBe(200);
    expect((await call('POST', '/v1/payout-points', { id: 'pop_console', currencies: ['EUR'], scheme: 'console_demo' })).status).toBe(201);
    expect((await call('PUT', '/v1/routes/acme_eur', { balance: '50000.00', currency: 'EUR', enabled: true, test_outcome: 'fail:provider_down' })).status).toBe(200);
    expect((await call('PUT', '/v1/routes/bankco_eur', { balance: '90000.00', currency: 'EUR', enabled: true, test_outcome: 'success' })).status).toBe(200);
    // acme is cheaper, fails, and bankco takes it over: processed after a failover.
    const processed = await payoutRequest('100.00');
    expect(processed.attributes.status).toBe('processed');
    expect(processed.attributes.payouts.map((p) => `${p.route} ${p.status}`)).toEqual(['acme_eur failed', 'bankco_eur succeeded']);
    // Only acme may take a large payout under v1: it fails, and nothing is left.
    const failed = await payoutRequest('2500.00');
    expect(failed.attributes.status).toBe('failed');
    ids.processed = processed.id;
    ids.failed = failed.id;

    browser = await launchChromium();
    page = await openPage(browser, service.url, key, pageErrors, 900);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, name), fullPage: false });
  const message = () => page.textContent('#status-message');

  it('keeps the API key in sessionStorage only', async () => {
    const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('sluice.apiKey'), local: localStorage.getItem('sluice.apiKey') }));
    expect(stored).toEqual({ session: key, local: null });
  });

  it('lists the payout requests newest first, filters them, and opens the processed one', async () => {
    await page.keyboard.press('Alt+2');
    await page.waitForSelector('#view-requests:not([hidden]) #request-rows tr[data-id]');
    expect(await page.locator('#request-rows tr[data-id]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['id']))).toEqual([ids.failed, ids.processed]);
    await shot('console-1-requests.png');

    // Filter by status from the keyboard: the select, then Enter submits the form.
    await page.selectOption('#f-status', 'failed');
    await page.focus('#f-service');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#request-rows tr[data-id]').count()).toBe(1);
    expect(await page.getAttribute('#request-rows tr[data-id]', 'data-id')).toBe(ids.failed);
    // One a page: the next page holds the other.
    await page.selectOption('#f-status', '');
    await page.selectOption('#f-limit', '20');
    await page.evaluate(() => {
      const limit = document.getElementById('f-limit') as HTMLSelectElement;
      limit.add(new Option('1', '1'));
      limit.value = '1';
    });
    await page.click('#f-apply');
    await expect.poll(() => page.getAttribute('#request-rows tr[data-id]', 'data-id')).toBe(ids.failed);
    await page.click('#page-next');
    await expect.poll(() => page.getAttribute('#request-rows tr[data-id]', 'data-id')).toBe(ids.processed);
    expect(await page.isDisabled('#page-next')).toBe(true);

    // Open it with the keyboard: its link, then Enter.
    await page.focus(`#request-rows tr[data-id="${ids.processed}"] a`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#view-request:not([hidden]) #panel-payouts table');
    expect(await page.textContent('#request-status')).toBe('processed');
    const payouts = await page.locator('#panel-payouts tbody tr').evaluateAll((rows) => rows.map((r) => `${(r as HTMLElement).dataset['route']} ${(r as HTMLElement).dataset['status']}`));
    expect(payouts).toEqual(['acme_eur failed', 'bankco_eur succeeded']);
    expect(await page.textContent('#panel-payouts')).toContain('provider_down');
    await shot('console-2-payouts.png');

    // The Events tab, by arrow key: two decisions, each drawn as its routing tree.
    await page.focus('#tab-payouts');
    await page.keyboard.press('ArrowRight');
    expect(await page.getAttribute('#tab-events', 'aria-selected')).toBe('true');
    expect(await page.isVisible('#panel-events')).toBe(true);
    const trees = page.locator('#panel-events .event[data-type="decision"] .tree');
    expect(await trees.count()).toBe(2);
    // The first decision: the `when` failed (red), `else` taken (green), optimal chose acme.
    const first = trees.nth(0);
    expect(await first.locator('.node-branch.tone-fail .node-title').textContent()).toBe('when amount >= 1000 EUR');
    expect(await first.locator('.node-branch.tone-ok .node-title').textContent()).toBe('else');
    expect(await first.locator('.node-strategy.tone-ok .cand-chosen').textContent()).toContain('acme_eur');
    // The second: acme filtered out by the failover, bankco chosen.
    const second = trees.nth(1);
    expect(await second.locator('.cand-filtered').textContent()).toMatch(/acme_eur.*excluded by failover/);
    expect(await second.locator('.cand-chosen').textContent()).toContain('bankco_eur');
    expect(await page.locator('#panel-events .event[data-type="provider_answer"].tone-fail').count()).toBe(1);
    expect(await page.locator('#panel-events .event[data-type="final_status"].tone-ok').count()).toBe(1);
    await page.evaluate(() => document.getElementById('console')!.scrollTo(0, 0));
    await shot('console-3-events-processed.png');
    if (process.env['SLUICE_README_SCREENSHOT']) await page.screenshot({ path: join(DOCS, 'console-requests.png') });
  });

  it('opens the failed request: its failed payout and the red tree that found no route', async () => {
    await page.keyboard.press('Escape');
    await page.waitForSelector('#view-requests:not([hidden])', { timeout: 5_000 });
    // A request has its own address.
    await page.evaluate((id) => (location.hash = `#/requests/${id}`), ids.failed);
    await page.waitForSelector('#view-request:not([hidden]) #panel-payouts table');
    expect(await page.textContent('#request-status')).toBe('failed');
    const payoutRows = await page
      .locator('#panel-payouts tbody tr')
      .evaluateAll((rows) => rows.map((r) => `${(r as HTMLElement).dataset['route']} ${(r as HTMLElement).dataset['status']}`));
    expect(payoutRows).toEqual(['acme_eur failed']);
    await page.click('#tab-events');
    const trees = page.locator('#panel-events .event[data-type="decision"] .tree');
    expect(await trees.count()).toBe(2);
    // First: the `when` taken (green) to acme; then acme excluded and the strategy red.
    expect(await trees.nth(0).locator('.node-branch.tone-ok .node-title').textContent()).toBe('when amount >= 1000 EUR');
    expect(await trees.nth(1).locator('.node-strategy.tone-fail .node-outcome').textContent()).toBe('no route');
    expect(await trees.nth(1).locator('.node-decision').getAttribute('data-tone')).toBe('fail');
    expect(await page.textContent('#request-facts')).toMatch(/Resolution/);
    await shot('console-4-events-failed.png');
  });

  it('edits a route balance and the service stores it', async () => {
    await page.keyboard.press('Alt+3');
    const acme = page.locator('#route-rows tr[data-route="acme_eur"]');
    await acme.waitFor();
    expect(await acme.locator('input.balance').inputValue()).toBe('50000.00');
    expect(await acme.locator('input.outcome').inputValue()).toBe('fail:provider_down');
    // bankco's monthly cap shows what the processed request used.
    expect(await page.textContent('#route-rows tr[data-route="bankco_eur"]')).toContain('100.00 of 1000000');
    await acme.locator('input.balance').fill('12345.67');
    await acme.locator('input.balance').press('Enter');
    await expect.poll(message, { timeout: 10_000 }).toMatch(/Stored acme_eur: balance 12345.67/);
    const stored = await call('GET', '/v1/routes/acme_eur');
    expect(stored.json).toMatchObject({ route: 'acme_eur', balance: '12345.67', enabled: true, test_outcome: 'fail:provider_down' });
    // An outcome the service would refuse is refused in the page, and nothing is stored.
    const row = page.locator('#route-rows tr[data-route="acme_eur"]');
    await row.locator('input.outcome').fill('pending:soon');
    expect(await row.locator('input.outcome').getAttribute('aria-invalid')).toBe('true');
    await row.locator('input.outcome').press('Enter');
    await expect.poll(message).toMatch(/“pending:soon” is not a test outcome: write success, fail:CODE, /);
    expect((await call('GET', '/v1/routes/acme_eur')).json['test_outcome']).toBe('fail:provider_down');
    // And back to success from the keyboard.
    await row.locator('input.outcome').fill('success');
    await row.locator('input.outcome').press('Enter');
    await expect.poll(async () => (await call('GET', '/v1/routes/acme_eur')).json['test_outcome']).toBe('success');
    // The rate table the scheme names (default: no rates line), and a payout point.
    expect(await page.textContent('#rates-name')).toBe('default');
    expect(await page.textContent('#point-list')).toContain('pop_console · EUR · console_demo');
    await page.fill('#rates-text', 'EUR/USD 1.0850');
    await page.click('#rates-form button[type="submit"]');
    await expect.poll(message).toMatch(/Stored rate table default: EUR\/USD 1.0850/);
    await page.fill('#point-id', 'pop_two');
    await page.fill('#point-currencies', 'eur, usd');
    await page.click('#point-form button[type="submit"]');
    await expect.poll(message).toMatch(/Payout point pop_two stored: EUR, USD through console_demo/);
    await expect.poll(() => page.textContent('#point-list')).toContain('pop_two · EUR, USD · console_demo');
    // Reloaded, the page reads the stored rate table back into its form.
    await page.fill('#rates-text', '');
    await page.click('#routes-reload');
    await expect.poll(() => page.inputValue('#rates-text')).toBe('EUR/USD 1.0850');
    await shot('console-5-routes.png');
  });

  it('simulates traffic in the worker against the open scheme and another version, with charts and the diff rendered', async () => {
    // Open the scheme in the editor (its latest, v2), then the simulation view.
    await page.keyboard.press('Alt+1');
    await page.click('#scheme-list button.item');
    await expect.poll(message, { timeout: 10_000 }).toMatch(/Opened console_demo v2/);
    await page.keyboard.press('Alt+4');
    await expect.poll(() => page.textContent('#sim-scheme')).toBe('console_demo');
    await expect.poll(() => page.locator('#sim-other option').count()).toBe(3);
    await page.selectOption('#sim-other', '1');
    await page.click('#sim-sample');
    expect((await page.inputValue('#sim-requests')).trim().split('\n')).toHaveLength(500);
    // The sample made a state from the scheme too, and says at once how much of it will not be routed, and why.
    expect(JSON.parse(await page.inputValue('#sim-state'))).toMatchObject({ routes: { acme_eur: { balance: '100000.00' } } });
    await expect.poll(() => page.textContent('#sim-outlook'), { timeout: 30_000 }).toMatch(/^Against this state, expect \d+ of 500/);
    const outlook = (await page.textContent('#sim-outlook > p')) ?? '';
    const [, off, failed, blocked] = /expect (\d+) of 500 \([\d.]+%\) not to be routed: (\d+) failed, (\d+) blocked\. Why:$/.exec(outlook) ?? [];
    expect(Number(off)).toBeGreaterThan(0);
    const reasons = await page.locator('#sim-outlook .reasons li').allTextContents();
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.map((r) => Number(/^(\d+) ×/.exec(r)?.[1])).reduce((a, b) => a + b, 0)).toBe(Number(off));
    expect(reasons.join('\n')).toMatch(/STRATEGY_CONFIGURED_ROUTES_WERE_FILTERED \(.*(daily cap|balance)/);
    await page.focus('#sim-requests');
    await page.keyboard.press('ControlOrMeta+Enter');
    await expect.poll(() => page.textContent('#sim-info'), { timeout: 30_000 }).toMatch(/Simulated 500 requests against editor and v1/);
    const bars = await page.locator('#sim-charts svg.chart rect.chart-bar').count();
    expect(bars).toBeGreaterThan(4);
    const captions = await page.locator('#sim-charts figcaption').allTextContents();
    expect(captions).toEqual(['Route shares (allocations)', 'Route shares (volume in base)', 'Statuses', 'Resolutions']);
    expect(await page.locator('#sim-charts .legend').first().textContent()).toMatch(/editor.*v1/);
    // The semantic diff is rendered: headings, the changes' diff block, the impact table; no Markdown left showing.
    expect(await page.textContent('#sim-diff h2')).toBe('sluice diff: v1 → editor');
    expect(await page.locator('#sim-diff h3').allTextContents()).toEqual(['Branches', 'Decision impact (500 requests from the simulated requests)']);
    expect(await page.locator('#sim-diff pre.md-code .md-line.md-change').first().textContent()).toMatch(/^~ sepa_eur › when amount >= 1000 EUR/);
    expect(await page.locator('#sim-diff table.md-table thead th').allTextContents()).toEqual(['old', 'new', 'count']);
    expect(await page.locator('#sim-diff table.md-table tbody tr').count()).toBeGreaterThan(0);
    const diff = (await page.textContent('#sim-diff')) ?? '';
    expect(diff).toMatch(/bankco_eur/);
    expect(diff).not.toMatch(/##|```|\| ---/);
    // What the outlook expected is what the simulation found for the editor's scheme.
    const editorRun = await page.evaluate(() => {
      const w = window as unknown as { sluiceEditor: { console: { simulation: { last?: { runs?: { summary: { statuses: Record<string, number> } }[] } } } } };
      return w.sluiceEditor.console.simulation.last?.runs?.[0]?.summary.statuses;
    });
    expect([editorRun?.['failed'], editorRun?.['blocked']]).toEqual([Number(failed), Number(blocked)]);
    // Every chart label inside its chart, and the charts inside their cards.
    const outside = await page.locator('#sim-charts figure.chart-card').evaluateAll((cards) =>
      cards.flatMap((card) => {
        const svg = card.querySelector('svg.chart');
        if (!svg) return [];
        const frame = svg.getBoundingClientRect();
        const within = card.getBoundingClientRect();
        const out = [...svg.querySelectorAll('text')].filter((t) => {
          const r = t.getBoundingClientRect();
          return r.left < frame.left - 0.5 || r.right > frame.right + 0.5 || r.top < frame.top - 0.5 || r.bottom > frame.bottom + 0.5;
        });
        const svgOut = frame.left < within.left || frame.right > within.right;
        return [...out.map((t) => t.textContent), ...(svgOut ? ['the chart itself'] : [])];
      }),
    );
    expect(outside).toEqual([]);
    expect(await page.locator('#sim-charts svg.chart text.chart-cat').allTextContents()).toContain('STRATEGY_CONFIGURED_ROUTES_WERE_FILTERED');
    // The summaries are the CLI's: every request has a status.
    const totals = await page.evaluate(() => {
      const w = window as unknown as { sluiceEditor: { console: { simulation: { last?: { ok: boolean; runs?: { summary: { statuses: Record<string, number> } }[] } } } } };
      return (w.sluiceEditor.console.simulation.last?.runs ?? []).map((r) => Object.values(r.summary.statuses).reduce((a, b) => a + b, 0));
    });
    expect(totals).toEqual([500, 500]);
    await shot('console-6-simulation.png');
    if (process.env['SLUICE_README_SCREENSHOT']) {
      // Tall enough for every chart.
      await page.setViewportSize({ width: 1440, height: 1280 });
      await page.screenshot({ path: join(DOCS, 'console-simulation.png') });
      await page.setViewportSize({ width: 1440, height: 900 });
    }
    expect(pageErrors).toEqual([]);
  });

  it('adds a webhook endpoint, shows its secret once, and resends a delivery the receiver refused', async () => {
    const got: { signature: string; body: string }[] = [];
    let answer = 500;
    const receiver: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        got.push({ signature: String(req.headers['sluice-signature']), body });
        res.writeHead(answer).end(answer === 500 ? 'down for maintenance' : 'ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/sluice-events`;
    try {
      await page.keyboard.press('Alt+5');
      await page.waitForSelector('#view-webhooks:not([hidden])');
      await expect.poll(() => page.textContent('#endpoint-list')).toMatch(/No endpoints yet/);
      await page.fill('#endpoint-url', url);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#endpoint-secret:not([hidden])');
      const secret = (await page.textContent('#endpoint-secret-value')) ?? '';
      expect(secret).toMatch(/^whsec_/);
      const endpoint = page.locator('#endpoint-list section.endpoint');
      await expect.poll(() => endpoint.count()).toBe(1);
      expect(await endpoint.locator('.endpoint-url').textContent()).toBe(url);
      // The secret is the creation's alone: the list never carries it.
      expect(JSON.stringify((await call('GET', '/v1/webhook-endpoints')).json)).not.toContain(secret);
      await page.click('#endpoint-secret-done');
      expect(await page.isHidden('#endpoint-secret')).toBe(true);
      expect(await page.textContent('#endpoint-secret-value')).toBe('');

      // A final status, as the gateway writes it: the receiver refuses it once.
      const { enqueueEvent } = await import('../server/outbox.js');
      await service.store.db.transaction().execute((trx) => enqueueEvent(trx, 'test', 'payout_request.processed', { type: 'payout-request', id: ids.processed }));
      await expect.poll(() => got.length, { timeout: 15_000 }).toBe(1);
      const [t, v1] = got[0]!.signature.replace(/^t=/, '').split(',v1=') as [string, string];
      expect(createHmac('sha256', secret).update(`${t}.${got[0]!.body}`).digest('hex')).toBe(v1);
      const event = JSON.parse(got[0]!.body) as { id: string; type: string };

      const row = page.locator(`#endpoint-list tr[data-delivery]`);
      await expect
        .poll(async () => {
          await page.click('#webhooks-reload');
          return row.getAttribute('data-status');
        }, { timeout: 15_000 })
        .toBe('pending');
      expect(await row.locator('td').nth(1).textContent()).toBe('payout_request.processed');
      expect(await row.locator('td').nth(2).textContent()).toBe(event.id);
      expect(await row.locator('td').nth(4).textContent()).toBe('1');
      expect(await row.locator('.last-response').textContent()).toMatch(/^500 · down for maintenance · \d+ ms$/);
      expect(await row.locator('td').nth(6).textContent()).toMatch(/^\d{4}-\d{2}-\d{2} /);
      await shot('console-7-webhooks-failed.png');

      answer = 200;
      await row.locator('button.resend').click();
      await expect.poll(message).toMatch(new RegExp(`Resending payout_request.processed ${event.id}`));
      await expect.poll(() => got.length, { timeout: 15_000 }).toBe(2);
      expect(JSON.parse(got[1]!.body)).toEqual(JSON.parse(got[0]!.body));
      await expect
        .poll(async () => {
          await page.click('#webhooks-reload');
          return row.getAttribute('data-status');
        }, { timeout: 15_000 })
        .toBe('delivered');
      expect(await row.locator('td').nth(4).textContent()).toBe('2');
      expect(await row.locator('.last-response').textContent()).toMatch(/^200 · ok/);
      await shot('console-8-webhooks-delivered.png');
      expect(pageErrors).toEqual([]);
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it('shows a pending payout until it succeeds and a reversed one, and each route’s connector without its secrets', async () => {
    // acme's outcomes from its outcome field: paid then reversed after 1 s; then accepted, paid after 4 s.
    await page.keyboard.press('Alt+3');
    const acme = page.locator('#route-rows tr[data-route="acme_eur"]');
    await acme.waitFor();
    const setOutcome = async (outcome: string) => {
      await acme.locator('input.outcome').fill(outcome);
      await acme.locator('input.outcome').press('Enter');
      await expect.poll(async () => (await call('GET', '/v1/routes/acme_eur')).json['test_outcome']).toBe(outcome);
    };
    await setOutcome('reverse:1s');
    const reversed = await payoutRequest('100.00');
    expect(reversed.attributes.payouts.map((p) => `${p.route} ${p.status}`)).toEqual(['acme_eur succeeded']);
    await setOutcome('pending:4s');
    const pending = await payoutRequest('100.00', 202);
    expect(pending.attributes.status).toBe('processing');
    expect(pending.attributes.payouts.map((p) => `${p.route} ${p.status}`)).toEqual(['acme_eur pending']);
    const requestStatus = async (id: string) => ((await call('GET', `/v1/payout-gateway/payout-requests/${id}`)).json['data'] as { attributes: { status: string } }).attributes.status;
    await expect.poll(() => requestStatus(reversed.id), { timeout: 15_000 }).toBe('reversed');

    // The list: each payout's mark, and the request statuses' badges.
    await page.keyboard.press('Alt+2');
    await page.click('#f-clear');
    const rows = page.locator('#request-rows tr[data-id]');
    await expect.poll(() => rows.count()).toBe(4);
    expect(await rows.evaluateAll((trs) => trs.map((r) => `${(r as HTMLElement).dataset['id']} ${(r as HTMLElement).dataset['status']}`))).toEqual([
      `${pending.id} processing`,
      `${reversed.id} reversed`,
      `${ids.failed} failed`,
      `${ids.processed} processed`,
    ]);
    const chips = (id: string) => page.locator(`#request-rows tr[data-id="${id}"] .payout-chip`).evaluateAll((cs) => cs.map((c) => `${(c as HTMLElement).dataset['status']} ${c.textContent}`));
    expect(await chips(pending.id)).toEqual(['pending acme_eur ◔pending']);
    expect(await chips(reversed.id)).toEqual(['reversed acme_eur ↩reversed']);
    expect(await chips(ids.processed)).toEqual(['failed acme_eur ✗failed', 'succeeded bankco_eur ✓succeeded']);
    expect(await page.locator(`#request-rows tr[data-id="${reversed.id}"] .badge.reversed`).textContent()).toBe('reversed');
    await shot('console-9-requests-pending-reversed.png');
    if (process.env['SLUICE_README_SCREENSHOT']) await page.screenshot({ path: join(DOCS, 'console-payouts.png') });
    // The status filter offers every request status, reversed among them.
    await page.selectOption('#f-status', 'reversed');
    await page.click('#f-apply');
    await expect.poll(() => rows.evaluateAll((trs) => trs.map((r) => (r as HTMLElement).dataset['id']))).toEqual([reversed.id]);
    await page.click('#f-clear');

    // The pending request: its payout pending, with the provider's reference; then paid, after a reload.
    await page.evaluate((id) => (location.hash = `#/requests/${id}`), pending.id);
    await page.waitForSelector('#view-request:not([hidden]) #panel-payouts table');
    expect(await page.textContent('#request-status')).toBe('processing');
    const payout = page.locator('#panel-payouts tbody tr');
    expect(await payout.getAttribute('data-status')).toBe('pending');
    expect(await payout.locator('.badge.pending').textContent()).toBe('pending');
    expect(await payout.locator('td.reference').textContent()).toMatch(/^test:\d+:.+:pending:4s$/);
    await shot('console-10-payout-pending.png');
    await page.click('#tab-events');
    expect(await page.locator('#panel-events .event[data-type="provider_answer"].tone-wait .event-text').allTextContents()).toEqual(['acme_eur answered the send: pending']);
    await page.click('#tab-payouts');
    await expect
      .poll(async () => {
        await page.click('#request-reload');
        await page.waitForSelector('#panel-payouts table');
        return page.textContent('#request-status');
      }, { timeout: 20_000 })
      .toBe('processed');
    expect(await payout.getAttribute('data-status')).toBe('succeeded');
    await page.click('#tab-events');
    expect(await page.locator('#panel-events .event[data-type="provider_answer"].tone-ok .event-text').allTextContents()).toEqual(['acme_eur answered a status query: succeeded']);

    // The reversed request: paid, then the money came back; reversed is not failed.
    await page.evaluate((id) => (location.hash = `#/requests/${id}`), reversed.id);
    await expect.poll(() => page.textContent('#request-status')).toBe('reversed');
    expect(await page.getAttribute('#request-status', 'class')).toBe('badge reversed');
    await page.click('#tab-payouts');
    await page.waitForSelector('#panel-payouts tbody tr[data-status="reversed"]');
    expect(await page.textContent('#request-facts')).toContain('Paid0.00 EUR');
    await page.click('#tab-events');
    const finals = page.locator('#panel-events .event[data-type="final_status"]');
    expect(await finals.evaluateAll((es) => es.map((e) => `${e.className} ${e.querySelector('.event-text')?.textContent}`))).toEqual([
      'event tone-ok processed',
      'event tone-reversed reversed: the money of every paid payout came back',
    ]);
    expect(await page.locator('#panel-events .event[data-type="provider_answer"].tone-reversed .event-text').allTextContents()).toEqual(['acme_eur answered a status query: reversed']);
    await shot('console-11-events-reversed.png');

    // Routes: the connector of each route in this key's mode; a configured one's secrets only as "set".
    const { simulatorConnector } = await import('../server/connectors/simulator.js');
    const secrets = { apiKey: 'sk_console_never_shown', secret: 'whsec_console_never_shown' };
    expect((await call('PUT', '/v1/routes/bankco_eur/connector', simulatorConnector('http://127.0.0.1:4010', secrets))).status).toBe(200);
    await page.keyboard.press('Alt+3');
    await page.click('#routes-reload');
    const bankco = page.locator('#route-rows tr[data-route="bankco_eur"] td.connector');
    await expect.poll(() => bankco.getAttribute('data-kind')).toBe('http');
    expect(await bankco.textContent()).toBe('httphttp://127.0.0.1:4010credentials, webhook_secret set');
    expect(await page.getAttribute('#route-rows tr[data-route="acme_eur"] td.connector', 'data-kind')).toBe('test');
    const shown = await page.evaluate(() => `${document.documentElement.outerHTML} ${[...document.querySelectorAll('input')].map((i) => i.value).join(' ')}`);
    expect(shown).not.toContain(secrets.apiKey);
    expect(shown).not.toContain(secrets.secret);
    await shot('console-12-routes-connectors.png');
    expect(pageErrors).toEqual([]);
  });
});
