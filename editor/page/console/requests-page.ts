// Payout requests: the list (filters, newest first, cursor pages) and a request's overview with
// its Payouts tab and its Events tab, where each decision's trace is drawn as the routing tree.
import { REQUEST_STATUSES } from '../../../runtime/payout-status.js';
import { eventSummary, eventTone, payoutMark, type EventLike, type RequestFilters } from '../../console-model/requests-model.js';
import { traceTree, type DecisionLike } from '../../console-model/trace-tree.js';
import { apiKey } from '../api.js';
import * as capi from './console-api.js';
import { $, h, message, utc, type Say } from './dom.js';
import { treeView } from './tree-view.js';

const statusBadge = (status: string): HTMLElement => h('span', { class: `badge ${status}` }, status);

/** A payout in the list: its route and its status's mark, the status in words for screen readers and on hover. */
const payoutChip = (p: capi.Payout): HTMLElement => {
  const { mark, tone } = payoutMark(p.status);
  return h(
    'span',
    { class: `payout-chip tone-${tone}`, 'data-status': p.status, title: `${p.route}: ${p.status}` },
    `${p.route} `,
    h('span', { class: 'mark', 'aria-hidden': 'true' }, mark),
    h('span', { class: 'sr-only' }, p.status),
  );
};

export class RequestsPage {
  /** Cursors of the pages before the current one (the first page's is ''). */
  private cursors: string[] = [];
  private cursor = '';
  private next: string | null = null;
  private loadedOnce = false;

  constructor(private readonly say: Say) {
    $<HTMLSelectElement>('f-status').append(...REQUEST_STATUSES.map((st) => new Option(st, st)));
    const form = $<HTMLFormElement>('request-filters');
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.load('');
    });
    form.addEventListener('reset', () => setTimeout(() => void this.load(''), 0));
    $('page-first').addEventListener('click', () => void this.load(''));
    $('page-next').addEventListener('click', () => {
      if (this.next) void this.load(this.next, true);
    });
    $('page-prev').addEventListener('click', () => {
      const prev = this.cursors.pop();
      if (prev !== undefined) void this.load(prev, false, true);
    });
  }

  private filters(): RequestFilters {
    const v = (id: string) => $<HTMLInputElement | HTMLSelectElement>(id).value;
    return { status: v('f-status'), service: v('f-service'), point_id: v('f-point'), from: v('f-from'), to: v('f-to'), limit: Number(v('f-limit')) };
  }

  /** Shows the list: the first page the first time, then the page it was on, reloaded. */
  show(): void {
    void this.load(this.loadedOnce ? this.cursor : '', false, this.loadedOnce);
  }

  async load(cursor: string, forward = false, back = false): Promise<void> {
    const rows = $('request-rows');
    if (!apiKey()) {
      rows.replaceChildren(h('tr', {}, h('td', { colspan: 8, class: 'empty' }, 'Paste an API key into Settings (⚙) to see payout requests.')));
      return;
    }
    try {
      const page = await capi.listRequests({ ...this.filters(), ...(cursor ? { cursor } : {}) });
      if (forward) this.cursors.push(this.cursor);
      if (!forward && !back) this.cursors = [];
      this.cursor = cursor;
      this.next = page.next;
      this.loadedOnce = true;
      rows.replaceChildren(...page.data.map((r) => this.row(r)));
      if (page.data.length === 0) rows.append(h('tr', {}, h('td', { colspan: 8, class: 'empty' }, 'No payout requests match these filters.')));
      ($('page-next') as HTMLButtonElement).disabled = !page.next;
      ($('page-prev') as HTMLButtonElement).disabled = this.cursors.length === 0;
      ($('page-first') as HTMLButtonElement).disabled = !cursor;
      $('request-page-info').textContent = `page ${this.cursors.length + 1} · ${page.data.length} request${page.data.length === 1 ? '' : 's'}${page.next ? ' · more after these' : ' · the last page'}`;
    } catch (e) {
      rows.replaceChildren(h('tr', {}, h('td', { colspan: 8, class: 'empty error' }, message(e))));
      this.say(message(e), 'error');
    }
  }

  private row(r: capi.PayoutRequest): HTMLTableRowElement {
    const a = r.attributes;
    const tr = h(
      'tr',
      { 'data-id': r.id, 'data-status': a.status },
      h('td', { class: 'mono' }, utc(a.created_at)),
      h('td', {}, h('a', { href: `#/requests/${encodeURIComponent(r.id)}`, class: 'mono', title: `Open ${r.id}` }, r.id.length > 14 ? `${r.id.slice(0, 13)}…` : r.id)),
      h('td', {}, statusBadge(a.status), a.resolution ? h('span', { class: 'muted' }, ` ${a.resolution}`) : null, a.block ? h('span', { class: 'muted' }, ` ${a.block}`) : null),
      h('td', { class: 'num mono' }, `${a.point_amount} ${a.point_currency}`),
      h('td', {}, a.service),
      h('td', {}, a.point_id),
      h('td', {}, a.scheme ? `${a.scheme} v${a.version ?? '?'}` : '–'),
      h('td', { class: 'payout-cell' }, ...(a.payouts.length ? a.payouts.map(payoutChip) : ['–'])),
    );
    // The whole row opens the request on click; the link is the keyboard's way in.
    tr.addEventListener('click', (e) => {
      if (!(e.target instanceof HTMLAnchorElement)) location.hash = `#/requests/${encodeURIComponent(r.id)}`;
    });
    return tr;
  }
}

export class RequestView {
  private id = '';
  private tab: 'payouts' | 'events' = 'payouts';

  constructor(private readonly say: Say) {
    const tabs = [$('tab-payouts'), $('tab-events')];
    tabs.forEach((t, i) => {
      t.addEventListener('click', () => this.select(i === 0 ? 'payouts' : 'events', true));
      t.addEventListener('keydown', (e) => {
        if (e.key === 'ArrowRight' || e.key === 'ArrowLeft' || e.key === 'Home' || e.key === 'End') {
          e.preventDefault();
          this.select(this.tab === 'payouts' ? 'events' : 'payouts', true);
        }
      });
    });
    $('request-reload').addEventListener('click', () => void this.open(this.id));
  }

  select(tab: 'payouts' | 'events', focus = false): void {
    this.tab = tab;
    for (const [name, t, p] of [
      ['payouts', $('tab-payouts'), $('panel-payouts')],
      ['events', $('tab-events'), $('panel-events')],
    ] as const) {
      const on = name === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      p.hidden = !on;
      if (on && focus) t.focus();
    }
  }

  async open(id: string): Promise<void> {
    // Another request starts on its payouts; a reload keeps the tab.
    if (id !== this.id) this.select('payouts');
    this.id = id;
    $('request-title').textContent = `Payout request ${id}`;
    $('request-status').textContent = '';
    $('request-facts').replaceChildren();
    $('panel-payouts').replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
    $('panel-events').replaceChildren();
    try {
      const r = await capi.getRequest(id);
      if (this.id !== id) return;
      this.render(r);
    } catch (e) {
      $('panel-payouts').replaceChildren(h('p', { class: 'error' }, message(e)));
      this.say(message(e), 'error');
    }
  }

  private render(r: capi.PayoutRequest): void {
    const a = r.attributes;
    const badge = $('request-status');
    badge.textContent = a.status;
    badge.className = `badge ${a.status}`;
    const fact = (k: string, v: string) => [h('div', {}, h('dt', {}, k), h('dd', {}, v))];
    $('request-facts').replaceChildren(
      ...fact('Amount', `${a.point_amount} ${a.point_currency}`),
      ...(a.processed_amount !== undefined ? fact('Paid', `${a.processed_amount} ${a.point_currency}`) : []),
      ...fact('Service', a.service),
      ...fact('Payout point', a.point_id),
      ...fact('Scheme', a.scheme ? `${a.scheme} v${a.version ?? '?'}` : '–'),
      ...(a.resolution ? fact('Resolution', a.resolution) : []),
      ...(a.block ? fact('Blocked by', a.block) : []),
      ...fact('Created (UTC)', utc(a.created_at)),
      ...fact('Updated (UTC)', utc(a.updated_at)),
      ...(a.fields !== undefined ? fact('Fields', JSON.stringify(a.fields)) : []),
    );
    this.renderPayouts(a.payouts);
    this.renderEvents(a.events ?? [], a.service);
    this.select(this.tab);
  }

  private renderPayouts(payouts: readonly capi.Payout[]): void {
    const panel = $('panel-payouts');
    if (payouts.length === 0) {
      panel.replaceChildren(h('p', { class: 'muted' }, 'No payouts: the request was blocked or no route could take it (see Events).'));
      return;
    }
    panel.replaceChildren(
      h(
        'table',
        { class: 'grid payouts' },
        h('thead', {}, h('tr', {}, ...['Attempt', 'Route', 'Status', 'Amount', 'Fee', 'Of the request', 'P2P', 'Error', 'Reference', 'Payout'].map((t) => h('th', {}, t)))),
        h(
          'tbody',
          {},
          ...payouts.map((p) =>
            h(
              'tr',
              { 'data-route': p.route, 'data-status': p.status },
              h('td', { class: 'num' }, p.attempt),
              h('td', {}, p.route),
              h('td', {}, h('span', { class: `mark tone-${payoutMark(p.status).tone}`, 'aria-hidden': 'true' }, payoutMark(p.status).mark), ' ', statusBadge(p.status)),
              h('td', { class: 'num mono' }, `${p.amount} ${p.currency}`),
              h('td', { class: 'num mono' }, p.fee),
              h('td', { class: 'num mono' }, p.request_amount),
              h('td', { class: 'mono' }, Array.isArray(p.p2p) && p.p2p.length ? JSON.stringify(p.p2p) : '–'),
              h('td', { class: p.error ? 'error' : 'muted' }, p.error ?? '–'),
              h('td', { class: 'mono muted reference' }, p.reference ?? '–'),
              h('td', { class: 'mono muted' }, p.id),
            ),
          ),
        ),
      ),
    );
  }

  private renderEvents(events: readonly EventLike[], service: string): void {
    const panel = $('panel-events');
    if (events.length === 0) {
      panel.replaceChildren(h('p', { class: 'muted' }, 'No events recorded.'));
      return;
    }
    panel.replaceChildren(
      h(
        'ol',
        { class: 'events' },
        ...events.map((e) => {
          const tone = eventTone(e);
          const decision = e.type === 'decision' && typeof e['decision'] === 'object' && e['decision'] !== null ? (e['decision'] as DecisionLike) : undefined;
          return h(
            'li',
            { class: `event tone-${tone}`, 'data-type': e.type },
            h(
              'div',
              { class: 'event-head' },
              h('span', { class: 'event-dot', 'aria-hidden': 'true' }),
              h('span', { class: 'event-type' }, e.type.replace(/_/g, ' ')),
              h('span', { class: 'event-at mono' }, utc(e.at)),
              h('span', { class: 'event-text' }, eventSummary(e)),
            ),
            decision ? h('div', { class: 'event-tree' }, treeView(traceTree(decision, service))) : null,
          );
        }),
      ),
    );
  }
}
