// The simulation view: JSONL traffic and a state (pasted or uploaded), run in a worker against
// the editor's scheme and optionally a saved version of it; route shares, statuses and
// resolutions drawn as bar charts, and the semantic diff of the two versions beside them.
// Sample traffic is decided at once against the state, to say how much of it will not be
// routed and why before anyone reads a chart of it.
import { parse } from '../../../grammar/parse.js';
import { pct, pctText, resolutionCounts, routeShares, statusShares, type Series } from '../../console-model/charts.js';
import type { Reason, SimulationInput, SimulationOutput } from '../../console-model/simulate.js';
import { sampleTraffic } from '../../console-model/simulation-input.js';
import { prefillState } from '../../language/prefill.js';
import * as api from '../api.js';
import type { SimRequest, SimResponse } from '../sim-protocol.js';
import { chartView } from './chart-view.js';
import { $, h, message, type Say } from './dom.js';
import { renderMarkdown } from './markdown-view.js';

const SAMPLE_SIZE = 500;
const NO_DIFF = 'Choose a version to compare with, then simulate: the diff of that version against the editor’s scheme shows here, with how many decisions it moves.';
/** Reasons listed under each run's counts; the outlook lists them all. */
const REASONS_SHOWN = 3;

/** `258 × NO_AVAILABLE_P2P_PAYMENTS (p2p_eur: no fitting p2p payment)`, most first. */
function reasonList(reasons: readonly Reason[], max = reasons.length): HTMLElement {
  const more = reasons.length - max;
  return h(
    'ul',
    { class: 'reasons' },
    ...reasons.slice(0, max).map((r) => h('li', {}, h('span', { class: 'count' }, `${r.count} ×`), ` ${r.reason}`)),
    more > 0 ? h('li', {}, `and ${more} more reason${more === 1 ? '' : 's'}`) : null,
  );
}

export interface SimulationDeps {
  readonly say: Say;
  /** The editor's scheme source. */
  readonly source: () => string;
  /** The scheme name the editor saves under. */
  readonly schemeName: () => string;
}

export class SimulationPage {
  private worker: Worker | undefined;
  private nextId = 1;
  private running = 0;
  /** The run that decides fresh sample traffic for its outlook. */
  private outlook = 0;
  /** The latest output, for the browser test and the console. */
  last: SimulationOutput | undefined;

  constructor(private readonly d: SimulationDeps) {
    $('sim-run').addEventListener('click', () => this.run());
    $('sim-sample').addEventListener('click', () => this.sample());
    $('sim-state-fill').addEventListener('click', () => this.fillState());
    this.upload('sim-requests-file', 'sim-requests');
    this.upload('sim-state-file', 'sim-state');
    // The outlook speaks of the sample and the state as they were made.
    for (const id of ['sim-requests', 'sim-state']) $(id).addEventListener('input', () => this.hideOutlook());
    this.showDiff(null);
  }

  private fillState(): void {
    $<HTMLTextAreaElement>('sim-state').value = JSON.stringify(prefillState(parse(this.d.source()).ast), null, 2);
    this.hideOutlook();
  }

  /** Makes sample traffic (and a state, when there is none) and decides it for the outlook. */
  private sample(): void {
    const requests = $<HTMLTextAreaElement>('sim-requests');
    requests.value = sampleTraffic(parse(this.d.source()).ast, SAMPLE_SIZE);
    if (!$<HTMLTextAreaElement>('sim-state').value.trim()) this.fillState();
    this.info(`${SAMPLE_SIZE} sample requests made from the scheme’s services, fields and a spread of amounts and countries.`);
    const out = $('sim-outlook');
    out.hidden = false;
    out.replaceChildren('Deciding the sample against the state…');
    this.outlook = this.post({ scheme: { label: 'editor', source: this.d.source() }, requests: requests.value, state: $<HTMLTextAreaElement>('sim-state').value });
  }

  private hideOutlook(): void {
    this.outlook = 0;
    $('sim-outlook').hidden = true;
  }

  private showOutlook(out: SimulationOutput): void {
    const el = $('sim-outlook');
    const run = out.ok ? out.runs[0] : undefined;
    if (!out.ok || !run) {
      el.replaceChildren(`The sample cannot be decided: ${out.ok ? 'no run' : out.message}`);
      return;
    }
    const { blocked, failed } = run.summary.statuses;
    const off = blocked + failed + run.invalid;
    if (off === 0) {
      el.replaceChildren(`Against this state, all ${out.requests} are expected to be routed.`);
      return;
    }
    const invalid = run.invalid ? `, ${run.invalid} invalid` : '';
    el.replaceChildren(
      h('p', {}, `Against this state, expect ${off} of ${out.requests} (${pctText(pct(off, out.requests))}) not to be routed: ${failed} failed, ${blocked} blocked${invalid}. Why:`),
      reasonList(run.notRouted),
      h('p', { class: 'error', hidden: !run.invalid }, run.invalidExamples.join('; ')),
    );
  }

  private showDiff(diff: string | null): void {
    const el = $('sim-diff');
    if (diff) renderMarkdown(el, diff);
    else el.replaceChildren(h('p', {}, NO_DIFF));
    el.classList.toggle('muted', !diff);
  }

  private upload(inputId: string, targetId: string): void {
    const input = $<HTMLInputElement>(inputId);
    input.addEventListener('change', async () => {
      const file = input.files?.[0];
      if (!file) return;
      try {
        $<HTMLTextAreaElement>(targetId).value = await file.text();
        this.info(`Loaded ${file.name} (${(file.size / 1024).toFixed(1)} KiB).`);
      } catch (e) {
        this.d.say(`Cannot read ${file.name}: ${message(e)}`, 'error');
      }
      input.value = '';
    });
  }

  private info(text: string, error = false): void {
    const el = $('sim-info');
    el.textContent = text;
    el.className = error ? 'error' : 'muted';
  }

  /** Refreshes the scheme name and the versions offered for comparison. */
  async show(): Promise<void> {
    const name = this.d.schemeName();
    $('sim-scheme').textContent = name || '(unnamed)';
    const select = $<HTMLSelectElement>('sim-other');
    const keep = select.value;
    const none = new Option('no other version', '');
    if (!name || !api.apiKey()) {
      select.replaceChildren(none);
      return;
    }
    try {
      const versions = await api.listVersions(name);
      select.replaceChildren(none, ...versions.map((v) => new Option(`${name} v${v.version}${v.active ? ' (active)' : ''}${v.message ? ` — ${v.message}` : ''}`, String(v.version))));
      if (keep && versions.some((v) => String(v.version) === keep)) select.value = keep;
    } catch (e) {
      select.replaceChildren(none);
      if (!(e instanceof api.ApiError && e.status === 404)) this.d.say(message(e), 'error');
    }
  }

  run(): void {
    void this.start();
  }

  private async start(): Promise<void> {
    const name = this.d.schemeName();
    const otherVersion = $<HTMLSelectElement>('sim-other').value;
    let other: SimulationInput['other'];
    try {
      if (otherVersion) other = { label: `v${otherVersion}`, source: (await api.getVersion(name, Number(otherVersion))).source };
    } catch (e) {
      this.info(`Cannot load ${name} v${otherVersion}: ${message(e)}`, true);
      return;
    }
    const input: SimulationInput = {
      scheme: { label: 'editor', source: this.d.source() },
      ...(other ? { other } : {}),
      requests: $<HTMLTextAreaElement>('sim-requests').value,
      state: $<HTMLTextAreaElement>('sim-state').value,
    };
    this.running = this.post(input);
    const progress = $<HTMLProgressElement>('sim-progress');
    progress.value = 0;
    progress.hidden = false;
    this.info('Simulating…');
  }

  /** Sends a run to the worker; its id. */
  private post(input: SimulationInput): number {
    this.worker ??= this.makeWorker();
    const msg: SimRequest = { id: this.nextId++, input };
    this.worker.postMessage(msg);
    return msg.id;
  }

  private makeWorker(): Worker {
    const w = new Worker(new URL('./sim.worker.js', import.meta.url), { type: 'module', name: 'simulation' });
    w.onmessage = (e: MessageEvent<SimResponse>) => {
      const m = e.data;
      if (m.id === this.outlook && m.kind === 'done') this.showOutlook(m.output);
      if (m.id !== this.running) return;
      const progress = $<HTMLProgressElement>('sim-progress');
      if (m.kind === 'progress') {
        progress.value = m.total ? m.done / m.total : 0;
        this.info(`Simulating… ${m.done} of ${m.total} decisions`);
        return;
      }
      progress.hidden = true;
      this.show_(m.output);
    };
    w.onerror = (e) => {
      $<HTMLProgressElement>('sim-progress').hidden = true;
      this.info(`The simulation worker failed: ${e.message || 'it could not start'}`, true);
    };
    return w;
  }

  private show_(out: SimulationOutput): void {
    this.last = out;
    const charts = $('sim-charts');
    if (!out.ok) {
      this.info(out.message, true);
      this.d.say(`Simulation: ${out.message}`, 'error');
      return;
    }
    const series: Series[] = out.runs.map((r) => ({ label: r.label, summary: r.summary }));
    const notes = out.runs.map((r) => {
      const st = r.summary.statuses;
      return h(
        'li',
        {},
        h('strong', {}, r.label),
        `: ${st.routed} routed, ${st.blocked} blocked, ${st.failed} failed`,
        r.invalid ? h('span', { class: 'error' }, ` · ${r.invalid} invalid request${r.invalid === 1 ? '' : 's'} skipped (${r.invalidExamples.join('; ')})`) : null,
        r.notRouted.length ? reasonList(r.notRouted, REASONS_SHOWN) : null,
      );
    });
    charts.replaceChildren(
      h('ul', { class: 'sim-notes' }, ...notes),
      chartView(routeShares(series, 'count')),
      chartView(routeShares(series, 'volume')),
      chartView(statusShares(series)),
      chartView(resolutionCounts(series)),
    );
    this.showDiff(out.diff);
    const text = `Simulated ${out.requests} request${out.requests === 1 ? '' : 's'} against ${out.runs.map((r) => r.label).join(' and ')} in ${out.ms.toFixed(0)} ms.`;
    this.info(text);
    this.d.say(text, 'ok');
  }
}
