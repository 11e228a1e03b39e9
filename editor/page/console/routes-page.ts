// Route state for the routes of a scheme (read from its active version's source with the
// project's grammar): balance, enabled and test outcome, editable; the connector that pays
// through it; daily and monthly used against the route's caps. Below: the scheme's stored rate
// table, editable, and the payout points with a form to add one.
import {
  balanceInput, connectorSummary, currencyList, parseRateLines, rateLines, schemeRoutes, TEST_OUTCOME_FORMS, testOutcome, usage,
  type ConnectorView, type SchemeRoute,
} from '../../console-model/routes-model.js';
import * as api from '../api.js';
import * as capi from './console-api.js';
import { $, h, message, type Say } from './dom.js';

function usageCell(used: string | undefined, cap: string | null, currency: string): HTMLElement {
  const u = usage(used, cap);
  return h(
    'td',
    { class: `usage${u.over ? ' over' : ''}` },
    u.percent === null
      ? null
      : h(
          'div',
          {
            class: 'meter',
            role: 'meter',
            'aria-valuemin': 0,
            'aria-valuemax': 100,
            'aria-valuenow': Math.round(u.percent),
            'aria-label': `${u.text} ${currency}`,
          },
          h('div', { class: 'meter-fill', style: `width:${u.percent.toFixed(1)}%` }),
        ),
    h('div', { class: 'usage-text mono' }, u.text),
  );
}

/** The route's connector: its kind, where it sends and which secrets are set (the API never returns their values). */
function connectorCell(c: ConnectorView | null): HTMLElement {
  if (!c) return h('td', { class: 'connector muted' }, 'not known');
  const { kind, details } = connectorSummary(c);
  return h('td', { class: 'connector', 'data-kind': kind }, h('span', { class: `badge connector-${kind}` }, kind), ...details.map((d) => h('div', { class: 'muted small-text mono' }, d)));
}

export class RoutesPage {
  private schemes: api.SchemeSummary[] = [];
  private loadedOnce = false;

  constructor(private readonly say: Say) {
    $('routes-scheme').addEventListener('change', () => void this.loadScheme());
    $('routes-reload').addEventListener('click', () => void this.refresh());
    $<HTMLFormElement>('rates-form').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.saveRates();
    });
    $<HTMLFormElement>('point-form').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.savePoint();
    });
  }

  show(): void {
    if (!this.loadedOnce) void this.refresh();
  }

  async refresh(): Promise<void> {
    const rows = $('route-rows');
    if (!api.apiKey()) {
      rows.replaceChildren(h('tr', {}, h('td', { colspan: 8, class: 'empty' }, 'Paste an API key into Settings (⚙) to see route state.')));
      return;
    }
    try {
      this.schemes = await api.listSchemes();
      this.loadedOnce = true;
      const select = $<HTMLSelectElement>('routes-scheme');
      const keep = select.value;
      const options = this.schemes.map((s) => new Option(`${s.name}${s.active === null ? ' (not active)' : ''}`, s.name));
      select.replaceChildren(...options);
      $<HTMLSelectElement>('point-scheme').replaceChildren(...this.schemes.map((s) => new Option(s.name, s.name)));
      if (keep && this.schemes.some((s) => s.name === keep)) select.value = keep;
      await this.listPoints();
      if (this.schemes.length === 0) {
        rows.replaceChildren(h('tr', {}, h('td', { colspan: 8, class: 'empty' }, 'No schemes yet: save one in the editor first.')));
        return;
      }
      await this.loadScheme();
    } catch (e) {
      rows.replaceChildren(h('tr', {}, h('td', { colspan: 8, class: 'empty error' }, message(e))));
      this.say(message(e), 'error');
    }
  }

  private async loadScheme(): Promise<void> {
    const name = $<HTMLSelectElement>('routes-scheme').value;
    const s = this.schemes.find((x) => x.name === name);
    const rows = $('route-rows');
    if (!s) return;
    const version = s.active ?? s.latest;
    $('routes-version').textContent = version === null ? 'no version' : `v${version}${s.active === null ? ' (latest, not active)' : ' · active'}`;
    if (version === null) return;
    try {
      const { source } = await api.getVersion(name, version);
      const model = schemeRoutes(source);
      $('rates-name').textContent = model.rates;
      const stored = await capi.getRates(model.rates);
      $<HTMLTextAreaElement>('rates-text').value = stored ? rateLines(stored) : '';
      $<HTMLSelectElement>('point-scheme').value = name;
      const states = await Promise.all(model.routes.map((r) => capi.getRoute(r.name)));
      // A connector that cannot be read leaves the route's state editable.
      const connectors = await Promise.all(model.routes.map((r) => capi.getConnector(r.name).catch(() => null)));
      rows.replaceChildren(...model.routes.map((r, i) => this.row(r, states[i] ?? null, connectors[i] ?? null)));
      if (model.routes.length === 0) rows.append(h('tr', {}, h('td', { colspan: 8, class: 'empty' }, 'This scheme declares no routes.')));
    } catch (e) {
      rows.replaceChildren(h('tr', {}, h('td', { colspan: 8, class: 'empty error' }, message(e))));
      this.say(message(e), 'error');
    }
  }

  private row(r: SchemeRoute, state: capi.RouteState | null, connector: ConnectorView | null): HTMLTableRowElement {
    const currency = state?.currency ?? r.currency;
    const balance = h('input', { class: 'balance mono', value: state?.balance ?? '', placeholder: 'unknown', inputmode: 'decimal', size: 12, 'aria-label': `Balance of ${r.name} (${currency})` });
    const enabled = h('input', { type: 'checkbox', 'aria-label': `${r.name} enabled` });
    enabled.checked = state?.enabled ?? true;
    const outcome = h('input', {
      class: 'outcome mono',
      value: state?.test_outcome ?? 'success',
      list: 'test-outcomes',
      size: 20,
      spellcheck: 'false',
      autocomplete: 'off',
      'aria-label': `Test outcome of ${r.name}`,
      title: TEST_OUTCOME_FORMS,
    });
    outcome.addEventListener('input', () => outcome.setAttribute('aria-invalid', String(testOutcome(outcome.value) === null)));
    const save = h('button', { type: 'button', class: 'small primary save-route', title: `Store ${r.name}'s state (Enter in a field)` }, 'Save');
    const tr = h(
      'tr',
      { 'data-route': r.name },
      h(
        'td',
        {},
        h('div', { class: 'route-name' }, r.name),
        h(
          'div',
          { class: 'muted small-text' },
          [currency, r.p2p ? 'p2p' : '', r.disabled ? 'disabled in the scheme' : '', state ? '' : 'no stored state yet'].filter(Boolean).join(' · '),
        ),
      ),
      h('td', { class: 'num' }, balance, h('span', { class: 'muted' }, ` ${currency}`)),
      h('td', {}, enabled),
      h('td', {}, outcome),
      connectorCell(connector),
      usageCell(state?.daily_used, r.daily, currency),
      usageCell(state?.monthly_used, r.monthly, currency),
      h('td', {}, save),
    );
    const submit = async () => {
      const b = balanceInput(balance.value);
      if (!b.ok) {
        this.say(b.message, 'error');
        balance.focus();
        return;
      }
      const test = testOutcome(outcome.value);
      if (test === null) {
        this.say(`“${outcome.value.trim()}” is not a test outcome: write ${TEST_OUTCOME_FORMS}.`, 'error');
        outcome.focus();
        return;
      }
      save.disabled = true;
      try {
        const stored = await capi.putRoute(r.name, { balance: b.balance, currency, enabled: enabled.checked, test_outcome: test });
        const fresh = this.row(r, stored, connector);
        tr.replaceWith(fresh);
        fresh.classList.add('saved');
        fresh.querySelector<HTMLButtonElement>('.save-route')?.focus();
        this.say(`Stored ${r.name}: balance ${stored.balance ?? 'unknown'}, ${stored.enabled ? 'enabled' : 'disabled'}, test outcome ${stored.test_outcome}.`, 'ok');
      } catch (e) {
        save.disabled = false;
        this.say(`${r.name} not stored: ${message(e)}`, 'error');
      }
    };
    save.addEventListener('click', () => void submit());
    for (const input of [balance, outcome]) input.addEventListener('keydown', (e) => e.key === 'Enter' && void submit());
    return tr;
  }

  private async saveRates(): Promise<void> {
    const name = $('rates-name').textContent ?? 'default';
    const parsed = parseRateLines($<HTMLTextAreaElement>('rates-text').value);
    if (!parsed.ok) {
      this.say(`Rate table: ${parsed.message}.`, 'error');
      return;
    }
    try {
      await capi.putRates(name, parsed.rates);
      this.say(`Stored rate table ${name}: ${Object.entries(parsed.rates).map(([k, v]) => `${k} ${v}`).join(', ')}.`, 'ok');
    } catch (e) {
      this.say(`Rate table ${name} not stored: ${message(e)}`, 'error');
    }
  }

  private async savePoint(): Promise<void> {
    const id = $<HTMLInputElement>('point-id').value.trim();
    const currencies = currencyList($<HTMLInputElement>('point-currencies').value);
    const scheme = $<HTMLSelectElement>('point-scheme').value;
    if (!id || currencies.length === 0 || !scheme) {
      this.say('A payout point needs an id, at least one currency and a scheme.', 'error');
      return;
    }
    try {
      await capi.createPayoutPoint({ id, currencies, scheme });
      this.say(`Payout point ${id} stored: ${currencies.join(', ')} through ${scheme}.`, 'ok');
      await this.listPoints();
    } catch (e) {
      this.say(`Payout point ${id} not stored: ${message(e)}`, 'error');
    }
  }

  private async listPoints(): Promise<void> {
    const points = await capi.listPayoutPoints();
    const items = points.map((p) => h('li', { 'data-point': p.id }, `${p.id} · ${p.currencies.join(', ')} · ${p.scheme}`));
    $('point-list').replaceChildren(...(items.length ? items : [h('li', { class: 'muted' }, 'none yet')]));
  }
}
