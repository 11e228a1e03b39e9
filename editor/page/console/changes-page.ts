// Changes: activation requests waiting for an approver (Approve / Reject, refused to the key that
// asked), and the audit trail of the mode with filters and "More" pages: who saved, activated,
// rolled back, changed route state, rates, keys or settings, when, and with what message.
import { actorName, auditQuery, mayDecide, whatHappened, type AuditEntry, type AuditFilters, type Me, type PendingRequest } from '../../console-model/changes-model.js';
import * as api from '../api.js';
import { $, h, message, utc, type Say } from './dom.js';

interface Pending extends PendingRequest {
  readonly scheme: string;
  readonly version: number;
  readonly from_version: number | null;
  readonly message: string | null;
  readonly created_at: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class ChangesPage {
  private cursor: string | null = null;
  private me: Me | null = null;

  constructor(private readonly say: Say) {
    $<HTMLFormElement>('audit-filters').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.refresh();
    });
    $('changes-reload').addEventListener('click', () => void this.refresh());
    $('audit-more').addEventListener('click', () => void this.page(false));
  }

  show(): void {
    void this.refresh();
  }

  async refresh(): Promise<void> {
    if (!api.apiKey()) {
      $('pending-list').replaceChildren(h('p', { class: 'muted' }, 'Paste an API key into Settings (⚙) to see changes.'));
      $('audit-rows').replaceChildren();
      return;
    }
    const me = await api.request('GET', '/v1/me').catch(() => ({ status: 0, json: undefined }));
    this.me = me.status === 200 && isObject(me.json) ? (me.json as Me) : null;
    await Promise.all([this.pending(), this.page(true)]);
  }

  private filters(): AuditFilters {
    return { action: $<HTMLSelectElement>('audit-action').value, scheme: $<HTMLInputElement>('audit-scheme').value, actor: $<HTMLInputElement>('audit-actor').value };
  }

  private async pending(): Promise<void> {
    const list = $('pending-list');
    try {
      const { status, json } = await api.request('GET', '/v1/activation-requests?status=pending');
      if (status === 404) return void list.replaceChildren(h('p', { class: 'muted' }, 'This service has no four-eyes activation.'));
      const rows = (isObject(json) && Array.isArray(json['data']) ? json['data'] : []) as Pending[];
      list.replaceChildren(...rows.map((r) => this.request(r)));
      if (!rows.length) list.append(h('p', { class: 'muted' }, 'No activation is waiting for approval.'));
    } catch (e) {
      list.replaceChildren(h('p', { class: 'error' }, message(e)));
    }
  }

  private request(r: Pending): HTMLElement {
    const allowed = mayDecide(r, this.me);
    const button = (verb: 'approve' | 'reject', label: string) => {
      const b = h('button', { type: 'button', class: verb === 'approve' ? 'small primary' : 'small', disabled: !allowed.ok, title: allowed.ok ? `${label} activating ${r.scheme} v${r.version}` : allowed.why }, label);
      b.addEventListener('click', () => void this.decide(r, verb));
      return b;
    };
    return h(
      'div',
      { class: 'card pending', 'data-request': r.id },
      h('strong', {}, `${r.scheme} v${r.from_version ?? '–'} → v${r.version}`),
      h('span', {}, ` asked by ${r.requested_by.name} at ${utc(r.created_at)} UTC`),
      r.message ? h('q', {}, r.message) : null,
      h('div', { class: 'spacer' }),
      button('approve', 'Approve'),
      button('reject', 'Reject'),
      allowed.ok ? null : h('span', { class: 'muted' }, allowed.why),
    );
  }

  private async decide(r: Pending, verb: 'approve' | 'reject'): Promise<void> {
    const note = prompt(`${verb === 'approve' ? 'Approve' : 'Reject'} activating ${r.scheme} v${r.version}: a message for the record (optional)`);
    if (note === null) return;
    try {
      await api.request('POST', `/v1/activation-requests/${encodeURIComponent(r.id)}/${verb}`, note ? { message: note } : {});
      this.say(verb === 'approve' ? `Approved: ${r.scheme} v${r.version} is active.` : `Rejected activating ${r.scheme} v${r.version}.`, 'ok');
    } catch (e) {
      this.say(message(e), 'error');
    }
    await this.refresh();
  }

  /** The first page (`fresh`) or the next one, appended. */
  private async page(fresh: boolean): Promise<void> {
    const rows = $('audit-rows');
    if (fresh) this.cursor = null;
    try {
      const { json } = await api.request('GET', `/v1/audit${auditQuery(this.filters(), this.cursor)}`);
      const data = (isObject(json) && Array.isArray(json['data']) ? json['data'] : []) as AuditEntry[];
      this.cursor = isObject(json) && typeof json['next_cursor'] === 'string' ? json['next_cursor'] : null;
      const made = data.map((e) => this.row(e));
      if (fresh) rows.replaceChildren(...made);
      else rows.append(...made);
      if (fresh && !data.length) rows.append(h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'Nothing recorded matches.')));
      $<HTMLButtonElement>('audit-more').hidden = this.cursor === null;
    } catch (e) {
      rows.replaceChildren(h('tr', {}, h('td', { colspan: 5, class: 'error' }, message(e))));
    }
  }

  private row(e: AuditEntry): HTMLTableRowElement {
    return h('tr', { 'data-action': e.action }, h('td', { class: 'mono' }, utc(e.at)), h('td', {}, actorName(e.actor)), h('td', {}, whatHappened(e)), h('td', {}, e.message ?? ''), h('td', { class: 'muted mono' }, e.mode ?? ''));
  }
}
