// Schemes and versions against the service: list, open, save (Ctrl/Cmd+S), activate, and
// compare any two versions (or a version and the editor) in Monaco's diff editor.
import { diffSchemes } from '../../compiler/diff/diff.js';
import { renderDiff } from '../../compiler/diff/render.js';
import { parse } from '../../grammar/parse.js';
import type { DiagnosticJSON } from '../../language/diagnose.js';
import * as api from './api.js';
import { LANGUAGE_ID } from './sluice-language.js';
import * as monaco from './monaco.js';

export interface LifecycleOptions {
  readonly model: monaco.editor.ITextModel;
  readonly editor: monaco.editor.IStandaloneCodeEditor;
  readonly el: {
    readonly name: HTMLInputElement;
    readonly names: HTMLDataListElement;
    readonly versionLabel: HTMLElement;
    readonly schemes: HTMLElement;
    readonly versions: HTMLElement;
    readonly diff: HTMLElement;
    readonly diffEditor: HTMLElement;
    readonly diffFrom: HTMLSelectElement;
    readonly diffTo: HTMLSelectElement;
    readonly saveDialog: HTMLDialogElement;
    readonly saveMessage: HTMLInputElement;
  };
  readonly say: (message: string, kind?: 'info' | 'error' | 'ok') => void;
  readonly showProblems: (title: string, d: readonly DiagnosticJSON[]) => void;
  readonly onOpened: () => void;
}

const WORKING = 'editor';

export class Lifecycle {
  /** The version the editor was loaded from or last saved as, and its source. */
  private loaded: { name: string; version: number; source: string } | undefined;
  private versions: api.VersionSummary[] = [];
  private active: number | null = null;
  private diffEditor: monaco.editor.IStandaloneDiffEditor | undefined;
  /** The semantic diff (what changed, by structure) under the line diff. */
  private readonly semantic: HTMLPreElement;

  constructor(private readonly o: LifecycleOptions) {
    this.semantic = document.createElement('pre');
    this.semantic.id = 'diff-semantic';
    this.semantic.className = 'diff-semantic';
    this.semantic.setAttribute('aria-label', 'Semantic diff');
    o.el.diff.append(this.semantic);
    o.model.onDidChangeContent(() => this.renderLabel());
    o.el.name.addEventListener('change', () => void this.selectScheme(o.el.name.value.trim(), false));
    o.el.diffFrom.addEventListener('change', () => void this.renderDiff());
    o.el.diffTo.addEventListener('change', () => void this.renderDiff());
    this.renderLabel();
  }

  /** The scheme name to save under: the name box, else the source's `scheme NAME`. */
  name(): string {
    const typed = this.o.el.name.value.trim();
    if (typed) return typed;
    const s = parse(this.o.model.getValue()).ast.statements.find((x) => x.kind === 'SchemeStmt');
    return s?.kind === 'SchemeStmt' ? s.name.name : '';
  }

  private renderLabel(): void {
    const l = this.loaded;
    const modified = !l || l.source !== this.o.model.getValue();
    const label = l ? `v${l.version}${l.version === this.active ? ' · active' : ''}${modified ? ' · modified' : ''}` : 'not saved';
    this.o.el.versionLabel.textContent = label;
    this.o.el.versionLabel.classList.toggle('modified', modified);
  }

  async refresh(): Promise<void> {
    if (!api.apiKey()) {
      this.o.el.schemes.innerHTML = '<li class="empty">Paste an API key into Settings (⚙) to list, save and activate schemes.</li>';
      this.o.el.versions.replaceChildren();
      return;
    }
    try {
      const schemes = await api.listSchemes();
      this.o.el.names.replaceChildren(...schemes.map((s) => new Option(s.name, s.name)));
      this.o.el.schemes.replaceChildren(
        ...schemes.map((s) => {
          const li = document.createElement('li');
          const btn = document.createElement('button');
          btn.className = 'item';
          btn.innerHTML = '<span class="item-name"></span><span class="item-meta"></span>';
          btn.querySelector('.item-name')!.textContent = s.name;
          const modes = Object.entries(s.activeByMode).map(([m, v]) => `${m} v${v}`).join(', ');
          btn.querySelector('.item-meta')!.textContent = `latest v${s.latest ?? '–'} · active ${modes || (s.active !== null ? `v${s.active}` : '–')}`;
          btn.addEventListener('click', () => void this.selectScheme(s.name, true));
          li.append(btn);
          if (s.name === this.name()) li.classList.add('current');
          return li;
        }),
      );
      if (schemes.length === 0) this.o.el.schemes.innerHTML = '<li class="empty">No schemes yet: write one and save it (Ctrl/Cmd+S).</li>';
      const current = this.name();
      const here = schemes.find((s) => s.name === current);
      this.active = here ? here.active : null;
      await this.loadVersions(here ? current : '');
    } catch (e) {
      this.o.el.schemes.innerHTML = '<li class="empty"></li>';
      this.o.el.schemes.firstElementChild!.textContent = e instanceof Error ? e.message : String(e);
      this.fail(e);
    }
  }

  private async loadVersions(name: string): Promise<void> {
    this.versions = name ? await api.listVersions(name).catch((e: unknown) => (e instanceof api.ApiError && e.status === 404 ? [] : Promise.reject(e))) : [];
    const flagged = this.versions.find((v) => v.active);
    if (flagged) this.active = flagged.version;
    this.o.el.versions.replaceChildren(
      ...this.versions.map((v) => {
        const li = document.createElement('li');
        const open = document.createElement('button');
        open.className = 'item';
        open.innerHTML = '<span class="item-name"></span><span class="item-meta"></span>';
        open.querySelector('.item-name')!.textContent = `v${v.version}${v.version === this.active ? '  ● active' : ''}`;
        open.querySelector('.item-meta')!.textContent = [v.message, v.created_at && new Date(v.created_at).toLocaleString()].filter(Boolean).join(' · ');
        open.title = `Open version ${v.version}`;
        open.addEventListener('click', () => void this.open(name, v.version));
        const act = document.createElement('button');
        act.className = 'small';
        act.textContent = v.version === this.active ? 'active' : 'Activate';
        act.disabled = v.version === this.active;
        act.title = `Make version ${v.version} the active one`;
        act.addEventListener('click', () => void this.activate(name, v.version));
        li.append(open, act);
        if (this.loaded?.name === name && this.loaded.version === v.version) li.classList.add('current');
        return li;
      }),
    );
    if (this.versions.length === 0) this.o.el.versions.innerHTML = '<li class="empty">No versions saved yet.</li>';
    this.renderLabel();
  }

  private async selectScheme(name: string, openLatest: boolean): Promise<void> {
    if (!name) return;
    this.o.el.name.value = name;
    try {
      await this.loadVersions(name);
      const latest = this.versions[0];
      if (openLatest && latest) await this.open(name, latest.version);
    } catch (e) {
      this.fail(e);
    }
  }

  async open(name: string, version: number): Promise<void> {
    try {
      const v = await api.getVersion(name, version);
      this.o.el.name.value = name;
      this.loaded = { name, version, source: v.source };
      this.o.editor.pushUndoStop();
      this.o.model.pushEditOperations([], [{ range: this.o.model.getFullModelRange(), text: v.source }], () => null);
      this.o.editor.pushUndoStop();
      this.o.say(`Opened ${name} v${version}${v.message ? ` (“${v.message}”)` : ''}.`);
      this.o.onOpened();
      await this.loadVersions(name);
    } catch (e) {
      this.fail(e);
    }
  }

  /** Asks for a message, then saves. */
  promptSave(): void {
    const name = this.name();
    if (!name) {
      this.o.say('Give the scheme a name first (the Scheme box, or a `scheme NAME` line).', 'error');
      this.o.el.name.focus();
      return;
    }
    const d = this.o.el.saveDialog;
    d.querySelector('.save-target')!.textContent = name;
    this.o.el.saveMessage.value = '';
    d.returnValue = '';
    d.showModal();
    this.o.el.saveMessage.focus();
    d.addEventListener(
      'close',
      () => {
        if (d.returnValue === 'save') void this.save(name, this.o.el.saveMessage.value.trim());
        else this.o.editor.focus();
      },
      { once: true },
    );
  }

  async save(name: string, message: string): Promise<void> {
    const source = this.o.model.getValue();
    try {
      this.o.say(`Saving ${name}…`);
      const r = await api.saveVersion(name, source, message);
      if (r.kind === 'rejected') {
        this.o.showProblems(`Not saved: the service found errors (${r.message})`, r.diagnostics);
        this.o.say(`Not saved: ${r.message}. ${r.diagnostics.length} problem${r.diagnostics.length === 1 ? '' : 's'} listed below.`, 'error');
        return;
      }
      this.o.el.name.value = name;
      this.loaded = { name, version: r.version, source };
      this.o.say(r.kind === 'created' ? `Saved ${name} v${r.version}.` : `No change: identical to ${name} v${r.version}, nothing saved.`, 'ok');
      await this.refresh();
    } catch (e) {
      this.fail(e);
    } finally {
      this.o.editor.focus();
    }
  }

  async activate(name: string, version: number): Promise<void> {
    try {
      await api.activate(name, version);
      this.active = version;
      this.o.say(`Activated ${name} v${version}.`, 'ok');
      await this.refresh();
    } catch (e) {
      this.fail(e);
    }
  }

  // ---- diff ----

  get diffOpen(): boolean {
    return !this.o.el.diff.hidden;
  }

  async openDiff(): Promise<void> {
    const name = this.name();
    try {
      if (name) await this.loadVersions(name);
    } catch (e) {
      this.fail(e);
    }
    const options = [...this.versions.map((v) => [String(v.version), `v${v.version}${v.message ? ` — ${v.message}` : ''}`] as const), [WORKING, 'editor (unsaved)'] as const];
    for (const sel of [this.o.el.diffFrom, this.o.el.diffTo]) sel.replaceChildren(...options.map(([v, label]) => new Option(label, v)));
    // Default: the previous version against the latest, or the latest against the editor.
    const [latest, previous] = this.versions;
    const modified = !this.loaded || this.loaded.source !== this.o.model.getValue();
    this.o.el.diffFrom.value = modified || !previous ? (latest ? String(latest.version) : WORKING) : String(previous.version);
    this.o.el.diffTo.value = modified || !latest ? WORKING : String(latest.version);
    this.o.el.diff.hidden = false;
    document.body.classList.add('diffing');
    this.diffEditor ??= monaco.editor.createDiffEditor(this.o.el.diffEditor, {
      automaticLayout: true,
      readOnly: true,
      originalEditable: false,
      renderSideBySide: true,
      useInlineViewWhenSpaceIsLimited: false,
      minimap: { enabled: false },
      fontSize: 13.5,
    });
    await this.renderDiff();
    this.o.el.diffFrom.focus();
  }

  closeDiff(): void {
    this.o.el.diff.hidden = true;
    document.body.classList.remove('diffing');
    this.o.editor.focus();
  }

  private async sourceOf(name: string, value: string): Promise<string> {
    if (value === WORKING) return this.o.model.getValue();
    return (await api.getVersion(name, Number(value))).source;
  }

  private async renderDiff(): Promise<void> {
    const ed = this.diffEditor;
    if (!ed) return;
    const name = this.name();
    try {
      const [a, b] = await Promise.all([this.sourceOf(name, this.o.el.diffFrom.value), this.sourceOf(name, this.o.el.diffTo.value)]);
      const old = ed.getModel();
      ed.setModel({ original: monaco.editor.createModel(a, LANGUAGE_ID), modified: monaco.editor.createModel(b, LANGUAGE_ID) });
      old?.original.dispose();
      old?.modified.dispose();
      const label = (v: string) => (v === WORKING ? 'the editor' : `v${v}`);
      this.semantic.textContent = semanticDiff(a, b, label(this.o.el.diffFrom.value), label(this.o.el.diffTo.value));
      this.o.say(`Comparing ${name} ${label(this.o.el.diffFrom.value)} with ${label(this.o.el.diffTo.value)}.`);
    } catch (e) {
      this.fail(e);
    }
  }

  private fail(e: unknown): void {
    this.o.say(e instanceof Error ? e.message : String(e), 'error');
  }
}

/** What changed between two sources, named by structure (as `sluice diff` prints it). */
function semanticDiff(a: string, b: string, oldName: string, newName: string): string {
  const before = parse(a);
  const after = parse(b);
  const broken = [before, after].findIndex((r) => r.diagnostics.some((d) => d.severity === 'error'));
  if (broken >= 0) return `No semantic diff: ${broken === 0 ? oldName : newName} has syntax errors.`;
  return renderDiff(diffSchemes(before.ast, after.ast), null, { old: oldName, new: newName });
}
