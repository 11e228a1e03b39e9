// The console beside the editor, in the same page: payout requests, a request's payouts and
// events, route state with rates and payout points, the simulation view, merchant webhooks, and
// changes (activation requests and the audit trail).
// Views follow the address's hash (so Back works and a request can be linked); Alt+1..6 switch
// between them.
import { tabOf, viewOf, VIEW_KEYS, type View } from '../../console-model/views.js';
import { $, type Say } from './dom.js';
import { RequestsPage, RequestView } from './requests-page.js';
import { RoutesPage } from './routes-page.js';
import { SimulationPage } from './simulation-page.js';
import { WebhooksPage } from './webhooks-page.js';
import { ChangesPage } from './changes-page.js';
import './console.css';

export interface ConsoleDeps {
  readonly say: Say;
  readonly source: () => string;
  readonly schemeName: () => string;
  /** The editor is shown again (focus it, re-layout). */
  readonly onEditor: () => void;
}

export class Console {
  readonly requests: RequestsPage;
  readonly request: RequestView;
  readonly routes: RoutesPage;
  readonly simulation: SimulationPage;
  readonly webhooks: WebhooksPage;
  readonly changes: ChangesPage;
  view: View = { name: 'editor' };

  constructor(private readonly d: ConsoleDeps) {
    this.requests = new RequestsPage(d.say);
    this.request = new RequestView(d.say);
    this.routes = new RoutesPage(d.say);
    this.simulation = new SimulationPage(d);
    this.webhooks = new WebhooksPage(d.say);
    this.changes = new ChangesPage(d.say);
    addEventListener('hashchange', () => this.route());
    this.route();
  }

  /** Shows the view the address names. */
  route(): void {
    const v = viewOf(location.hash);
    this.view = v;
    const tab = tabOf(v);
    document.body.dataset['view'] = tab;
    $('console').hidden = tab === 'editor';
    document.querySelector<HTMLElement>('main.layout')!.hidden = tab !== 'editor';
    for (const a of document.querySelectorAll<HTMLAnchorElement>('nav.views a')) {
      if (a.dataset['view'] === tab) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    for (const [id, on] of [
      ['view-requests', v.name === 'requests'],
      ['view-request', v.name === 'request'],
      ['view-routes', v.name === 'routes'],
      ['view-simulation', v.name === 'simulation'],
      ['view-webhooks', v.name === 'webhooks'],
      ['view-changes', v.name === 'changes'],
    ] as const)
      $(id).hidden = !on;
    switch (v.name) {
      case 'editor':
        this.d.onEditor();
        break;
      case 'requests':
        this.requests.show();
        break;
      case 'request':
        void this.request.open(v.id);
        break;
      case 'routes':
        this.routes.show();
        break;
      case 'simulation':
        void this.simulation.show();
        break;
      case 'webhooks':
        this.webhooks.show();
        break;
      case 'changes':
        this.changes.show();
        break;
    }
    document.title = `Sluice · ${tab[0]!.toUpperCase()}${tab.slice(1)}`;
  }

  /** After the API key changed: reload what is shown. */
  keyChanged(): void {
    if (this.view.name === 'requests') void this.requests.load('');
    if (this.view.name === 'routes') void this.routes.refresh();
    if (this.view.name === 'simulation') void this.simulation.show();
    if (this.view.name === 'webhooks') void this.webhooks.refresh();
    if (this.view.name === 'changes') void this.changes.refresh();
  }

  /** The console's keys; true when the key was used. */
  key(e: KeyboardEvent): boolean {
    const mod = e.ctrlKey || e.metaKey;
    if (e.altKey && !mod && !e.shiftKey && /^Digit[1-6]$/.test(e.code)) {
      location.hash = `#/${VIEW_KEYS[Number(e.code.slice(5)) - 1]}`;
      return true;
    }
    if (mod && e.key === 'Enter' && this.view.name === 'simulation') {
      this.simulation.run();
      return true;
    }
    if (e.key === 'Escape' && this.view.name === 'request' && !document.querySelector('dialog[open]')) {
      location.hash = '#/requests';
      return true;
    }
    return false;
  }
}
