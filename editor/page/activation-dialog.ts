// The Activate dialog: before a version goes live, what it changes against the active one (the
// semantic diff) and which recent decisions it would move, with a message for the record. Under
// four eyes the button asks for approval instead.
import { reviewActivation, type RecentRequest } from '../console-model/activation.js';
import * as api from './api.js';
import { listRequests } from './console/console-api.js';
import { renderMarkdown } from './console/markdown-view.js';

/** Recent payout requests looked at: the newest page. */
const RECENT = 100;

const field = (json: unknown, key: string): unknown => (typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[key] : undefined);

/** Whether the key's mode asks for four eyes (false on a service without roles). */
async function requiresApproval(): Promise<boolean> {
  const none = { status: 0, json: undefined };
  const me = await api.request('GET', '/v1/me').catch(() => none);
  const mode = field(me.json, 'mode');
  if (me.status !== 200 || typeof mode !== 'string') return false;
  const settings = await api.request('GET', `/v1/settings/${encodeURIComponent(mode)}`).catch(() => none);
  return settings.status === 200 && field(settings.json, 'require_approval') === true;
}

export class ActivationDialog {
  constructor(private readonly d: HTMLDialogElement) {}

  private el<T extends HTMLElement>(id: string): T {
    return this.d.querySelector<T>(`#${id}`)!;
  }

  /** The message to activate with, or null when cancelled. */
  async confirm(name: string, version: number, active: number | null): Promise<string | null> {
    const review = this.el('activate-review');
    this.el('activate-title').textContent = `Activate ${name} v${version}`;
    this.el('activate-traffic').textContent = 'Reading the versions and recent payout requests…';
    review.replaceChildren();
    this.el<HTMLInputElement>('activate-message').value = '';
    const fourEyes = await requiresApproval();
    this.el('activate-confirm').textContent = fourEyes ? 'Request activation' : 'Activate';
    this.d.returnValue = '';
    this.d.showModal();
    const closed = new Promise<string | null>((resolve) =>
      this.d.addEventListener('close', () => resolve(this.d.returnValue === 'activate' ? this.el<HTMLInputElement>('activate-message').value.trim() : null), { once: true }),
    );
    void this.fill(name, version, active);
    return closed;
  }

  private async fill(name: string, version: number, active: number | null): Promise<void> {
    try {
      const next = { version, source: (await api.getVersion(name, version)).source };
      const current = active === null || active === version ? null : { version: active, source: (await api.getVersion(name, active)).source };
      const recent = await listRequests({ limit: RECENT }).then((p) => p.data as unknown as RecentRequest[]).catch(() => []);
      const r = reviewActivation(name, current, next, recent);
      if ('error' in r) {
        this.el('activate-traffic').textContent = r.error;
        return;
      }
      this.el('activate-traffic').textContent = r.traffic ? `Decision impact on ${r.traffic}.` : '';
      renderMarkdown(this.el('activate-review'), r.markdown);
    } catch (e) {
      this.el('activate-traffic').textContent = e instanceof Error ? e.message : String(e);
    }
  }
}
