// Merchant webhooks: the mode's endpoints, each with its newest deliveries (event, status,
// attempts, the last answer, the next attempt) and a Resend button; a form adds an endpoint and
// shows its signing secret the one time the service gives it.
import * as api from '../api.js';
import * as capi from './console-api.js';
import { $, h, message, utc, type Say } from './dom.js';

/** The receiver's last answer in a few words: its status and the start of its body, or the error. */
function lastResponse(a: capi.WebhookAttempt | null): string {
  if (!a) return '–';
  const body = a.response?.trim().slice(0, 120);
  return `${a.status_code ?? a.error ?? '?'}${a.status_code !== null && body ? ` · ${body}` : ''} · ${a.duration_ms} ms`;
}

export class WebhooksPage {
  private loadedOnce = false;

  constructor(private readonly say: Say) {
    $('webhooks-reload').addEventListener('click', () => void this.refresh());
    $<HTMLFormElement>('endpoint-form').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.create();
    });
    $('endpoint-secret-done').addEventListener('click', () => this.forgetSecret());
  }

  show(): void {
    if (!this.loadedOnce) void this.refresh();
  }

  async refresh(): Promise<void> {
    const list = $('endpoint-list');
    if (!api.apiKey()) {
      list.replaceChildren(h('p', { class: 'muted' }, 'Paste an API key into Settings (⚙) to see webhook endpoints.'));
      return;
    }
    try {
      const endpoints = await capi.listWebhookEndpoints();
      const deliveries = await Promise.all(endpoints.map((e) => capi.listWebhookDeliveries(e.id)));
      this.loadedOnce = true;
      list.replaceChildren(...endpoints.map((e, i) => this.endpoint(e, deliveries[i]!)));
      if (endpoints.length === 0) list.append(h('p', { class: 'muted' }, 'No endpoints yet: add one above, and payout events are sent to it.'));
    } catch (e) {
      list.replaceChildren(h('p', { class: 'error' }, message(e)));
      this.say(message(e), 'error');
    }
  }

  private endpoint(e: capi.WebhookEndpoint, deliveries: readonly capi.WebhookDelivery[]): HTMLElement {
    const remove = h('button', { type: 'button', class: 'small', title: `Delete ${e.url}: no more events are sent to it` }, 'Delete');
    remove.addEventListener('click', () => void this.remove(e));
    const rows = deliveries.map((d) => this.delivery(e, d));
    return h(
      'section',
      { class: 'card endpoint', 'data-endpoint': e.id, 'aria-label': `Endpoint ${e.url}` },
      h(
        'div',
        { class: 'endpoint-head' },
        h('span', { class: 'endpoint-url mono' }, e.url),
        h('span', { class: 'muted mono' }, e.id),
        h('span', { class: 'muted' }, `added ${utc(e.created_at)} UTC`),
        h('div', { class: 'spacer' }),
        remove,
      ),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'grid deliveries' },
          h('thead', {}, h('tr', {}, ...['Created (UTC)', 'Event', 'Event id', 'Status', 'Attempts', 'Last response', 'Next attempt (UTC)', ''].map((t) => h('th', {}, t)))),
          h('tbody', {}, ...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 8, class: 'empty' }, 'No deliveries yet.'))])),
        ),
      ),
    );
  }

  private delivery(e: capi.WebhookEndpoint, d: capi.WebhookDelivery): HTMLTableRowElement {
    const resend = h('button', { type: 'button', class: 'small resend', title: `Send ${d.event.id} to ${e.url} again now` }, 'Resend');
    resend.addEventListener('click', () => void this.resend(e, d, resend));
    const last = d.last_attempt;
    const failed = last !== null && (last.status_code === null || last.status_code < 200 || last.status_code >= 300);
    return h(
      'tr',
      { 'data-delivery': d.id, 'data-status': d.status },
      h('td', { class: 'mono' }, utc(d.created_at)),
      h('td', { class: 'mono' }, d.event.type),
      h('td', { class: 'mono muted' }, d.event.id),
      h('td', {}, h('span', { class: `badge ${d.status}` }, d.status)),
      h('td', { class: 'num' }, d.attempts),
      h('td', { class: `last-response mono${failed ? ' error' : ''}` }, lastResponse(last)),
      h('td', { class: 'mono' }, d.next_attempt_at ? utc(d.next_attempt_at) : '–'),
      h('td', {}, resend),
    );
  }

  private async create(): Promise<void> {
    const input = $<HTMLInputElement>('endpoint-url');
    const url = input.value.trim();
    if (!url) return;
    try {
      const created = await capi.createWebhookEndpoint(url);
      input.value = '';
      $('endpoint-secret-url').textContent = created.url;
      $('endpoint-secret-value').textContent = created.secret;
      $('endpoint-secret').hidden = false;
      this.say(`Added webhook endpoint ${created.url}. Copy its signing secret now: it is not shown again.`, 'ok');
      await this.refresh();
    } catch (e) {
      this.say(`Endpoint not added: ${message(e)}`, 'error');
    }
  }

  private forgetSecret(): void {
    $('endpoint-secret-value').textContent = '';
    $('endpoint-secret').hidden = true;
  }

  private async resend(e: capi.WebhookEndpoint, d: capi.WebhookDelivery, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      await capi.resendWebhookDelivery(e.id, d.id);
      this.say(`Resending ${d.event.type} ${d.event.id} to ${e.url}.`, 'ok');
      await this.refresh();
    } catch (err) {
      button.disabled = false;
      this.say(`Not resent: ${message(err)}`, 'error');
    }
  }

  private async remove(e: capi.WebhookEndpoint): Promise<void> {
    if (!confirm(`Delete the endpoint ${e.url}? Its pending deliveries are cancelled.`)) return;
    try {
      await capi.deleteWebhookEndpoint(e.id);
      this.say(`Deleted webhook endpoint ${e.url}.`, 'ok');
      await this.refresh();
    } catch (err) {
      this.say(`Endpoint not deleted: ${message(err)}`, 'error');
    }
  }
}
