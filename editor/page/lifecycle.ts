// Schemes and versions against the service: list, open, save (Ctrl/Cmd+S), activate, and
// compare any two versions (or a version and the editor) in Monaco's diff editor. The Versions
// list follows the scheme the editor would save under; saving a draft into a stored scheme the
// editor did not open asks first.
import { ActivationDialog } from './activation-dialog.js';
import { diffSchemes } from '../../compiler/diff/diff.js';
import { renderDiff } from '../../compiler/diff/render.js';
import { parse } from '../../grammar/parse.js';
import type { DiagnosticJSON } from '../../language/diagnose.js';
import { freeName, saveTarget, type SaveTarget } from '../console-model/draft.js';
import * as api from './api.js';
import { renderMarkdown } from './console/markdown-view.js';
import { sampleScheme } from './sample.js';
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
    /** Shown when the save would add to a scheme the editor did not open. */
    readonly saveOther: HTMLElement;
    readonly saveOtherOk: HTMLInputElement;
    readonly saveConfirm: HTMLButtonElement;
    readonly activateDialog: HTMLDialogElement;
  };
  /** The editor holds the sample a first visit starts with (no draft was kept). */
  readonly fresh: boolean;
  readonly say: (message: string, kind?: 'info' | 'error' | 'ok') => void;
  readonly showProblems: (title: string, d: readonly DiagnosticJSON[]) => void;
  readonly onOpened: () => void;
}

const WORKING = 'editor';
/** How long the name must stay unchanged before the Versions list follows it. */
const FOLLOW_MS = 300;

export class Lifecycle {
  /** The version the editor was loaded from or last saved as, and its source. */
  private loaded: { name: string; version: number; source: string } | undefined;
  private versions: api.VersionSummary[] = [];
  private active: number | null = null;
  /** The stored schemes, as last listed. */
  private stored: readonly api.SchemeSummary[] = [];
  /** The scheme whose versions the list shows; each listing's ticket (a later one wins). */
  private shown: string | undefined;
  private listing = 0;
  /** Each scheme or version chosen to open; an answer for an older choice is dropped. */
  private choosing = 0;
  private followTimer: ReturnType<typeof setTimeout> | undefined;
  /** Still the untouched first-visit sample. */
  private fresh: boolean;
  private diffEditor: monaco.editor.IStandaloneDiffEditor | undefined;
  /** The semantic diff (what changed, by structure) under the line diff. */
  private readonly semantic: HTMLElement;

  constructor(private readonly o: LifecycleOptions) {
    this.fresh = o.fresh;
    this.semantic = document.createElement('div');
    this.semantic.id = 'diff-semantic';
    this.semantic.className = 'diff-semantic';
    this.semantic.setAttribute('aria-label', 'Semantic diff');
    o.el.diff.append(this.semantic);
    o.model.onDidChangeContent(() => {
      this.renderLabel();
      this.followSoon();
    });
    o.el.name.addEventListener('input', () => this.followSoon());
    o.el.name.addEventListener('change', () => void this.selectScheme(o.el.name.value.trim(), false));
    o.el.diffFrom.addEventListener('change', () => void this.renderDiff());
    o.el.diffTo.addEventListener('change', () => void this.renderDiff());
    this.renderLabel();
  }

  private followSoon(): void {
    clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => this.follow(), FOLLOW_MS);
  }

  /** The highlighted scheme and the Versions list follow the name the editor saves under. */
  private follow(): void {
    const name = this.name();
    this.markCurrent(name);
    if (name !== this.shown && api.apiKey()) void this.loadVersions(name).catch((e: unknown) => this.fail(e));
  }

  private markCurrent(name: string): void {
    for (const li of this.o.el.schemes.querySelectorAll<HTMLElement>('li[data-name]')) li.classList.toggle('current', li.dataset['name'] === name);
  }

  /** A first-visit sample named like a stored scheme takes a free name: saving it must make a new scheme. */
  private renameFreshDraft(): void {
    const name = this.name();
    this.fresh &&= !this.loaded && !this.o.el.name.value.trim() && this.o.model.getValue() === sampleScheme(name);
    const taken = this.stored.map((s) => s.name);
    if (!this.fresh || !taken.includes(name)) return;
    this.o.model.setValue(sampleScheme(freeName(taken)));
    this.o.say(`A scheme named ${name} is stored already: this new draft is ${this.name()}.`);
  }

  /** The scheme name to save under: the name box when typed in, else the source's `scheme NAME`. */
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
      this.stored = schemes;
      this.renameFreshDraft();
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
          li.dataset['name'] = s.name;
          return li;
        }),
      );
      if (schemes.length === 0) this.o.el.schemes.innerHTML = '<li class="empty">No schemes yet: write one and save it (Ctrl/Cmd+S).</li>';
      this.markCurrent(this.name());
      await this.loadVersions(this.name());
    } catch (e) {
      this.o.el.schemes.innerHTML = '<li class="empty"></li>';
      this.o.el.schemes.firstElementChild!.textContent = e instanceof Error ? e.message : String(e);
      this.fail(e);
    }
  }

  /** Shows `name`'s versions (none for a scheme not stored); an answer a later call overtook is dropped. */
  private async loadVersions(name: string): Promise<void> {
    const ticket = ++this.listing;
    this.shown = name;
    const summary = this.stored.find((s) => s.name === name);
    const versions = summary ? await api.listVersions(name).catch((e: unknown) => (e instanceof api.ApiError && e.status === 404 ? [] : Promise.reject(e))) : [];
    if (ticket !== this.listing) return;
    this.versions = versions;
    this.active = versions.find((v) => v.active)?.version ?? summary?.active ?? null;
    this.o.el.versions.replaceChildren(
      ...this.versions.map((v) => {
        const li = document.createElement('li');
        const open = document.createElement('button');
        open.className = 'item';
        open.innerHTML = '<span class="item-name"></span><span class="item-meta"></span>';
        open.querySelector('.item-name')!.textContent = `v${v.version}${v.version === this.active ? '  ● active' : ''}`;
        open.querySelector('.item-meta')!.textContent = [v.message, v.by && `by ${v.by}`, v.created_at && new Date(v.created_at).toLocaleString()].filter(Boolean).join(' · ');
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
    if (this.versions.length === 0) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = name ? `No versions of ${name} saved yet.` : 'No versions saved yet.';
      this.o.el.versions.replaceChildren(li);
    }
    this.renderLabel();
  }

  private async selectScheme(name: string, openLatest: boolean): Promise<void> {
    if (!name) return;
    const ticket = ++this.choosing;
    try {
      if (!openLatest) return await this.loadVersions(name);
      const [latest] = await api.listVersions(name);
      if (latest && ticket === this.choosing) await this.open(name, latest.version, ticket);
    } catch (e) {
      this.fail(e);
    }
  }

  /** Opens a version; `ticket`: the choice it answers, dropped when another was made since. */
  async open(name: string, version: number, ticket = ++this.choosing): Promise<void> {
    try {
      const v = await api.getVersion(name, version);
      if (ticket !== this.choosing) return;
      // The opened source names its scheme; a name typed for another one would save it there.
      this.o.el.name.value = '';
      this.loaded = { name, version, source: v.source };
      this.o.editor.pushUndoStop();
      this.o.model.pushEditOperations([], [{ range: this.o.model.getFullModelRange(), text: v.source }], () => null);
      this.o.editor.pushUndoStop();
      this.o.say(`Opened ${name} v${version}${v.message ? ` (“${v.message}”)` : ''}.`);
      this.o.onOpened();
      this.markCurrent(name);
      await this.loadVersions(name);
    } catch (e) {
      this.fail(e);
    }
  }

  /**
   * Asks for a message (and, before adding to a stored scheme the editor did not open, for a
   * yes), then saves. Asked against the last listing, at once; the save lists again first and
   * asks anew if the name has been taken since.
   */
  promptSave(message = ''): void {
    const name = this.name();
    if (!name) {
      this.o.say('Give the scheme a name first (the Scheme box, or a `scheme NAME` line).', 'error');
      this.o.el.name.focus();
      return;
    }
    const d = this.o.el.saveDialog;
    if (d.open) return;
    const target = saveTarget(name, this.loaded?.name, this.stored);
    this.showTarget(name, target);
    this.o.el.saveMessage.value = message;
    d.returnValue = '';
    d.showModal();
    this.o.el.saveMessage.focus();
    d.addEventListener(
      'close',
      () => {
        if (d.returnValue === 'save') void this.confirmed(name, this.o.el.saveMessage.value.trim(), target);
        else this.o.editor.focus();
      },
      { once: true },
    );
  }

  /** Saves what the dialog agreed to, unless a listing now shows a stored scheme it did not ask about. */
  private async confirmed(name: string, message: string, asked: SaveTarget): Promise<void> {
    this.stored = await api.listSchemes().catch(() => this.stored);
    if (asked.kind !== 'other' && saveTarget(name, this.loaded?.name, this.stored).kind === 'other') {
      this.o.say(`A scheme named ${name} was stored meanwhile: say whether to add to it.`, 'error');
      this.promptSave(message);
      return;
    }
    await this.save(name, message);
  }

  private showTarget(name: string, target: SaveTarget): void {
    const el = this.o.el;
    const other = target.kind === 'other';
    el.saveDialog.querySelector('.save-target')!.textContent = target.kind === 'new' ? `${name} (a new scheme)` : `${name} v${target.version}`;
    el.saveOther.hidden = !other;
    // Disabled, the box is not validated: only an `other` save waits for it.
    el.saveOtherOk.disabled = !other;
    el.saveOtherOk.checked = false;
    el.saveConfirm.textContent = other ? `Add as v${target.version}` : 'Save version';
    if (target.kind !== 'other') return;
    el.saveOther.querySelector('.save-warning')!.textContent =
      `A scheme named ${name} is stored already (latest v${target.latest}), and the editor did not open it: saving adds this draft to it as v${target.version}. ` +
      'To keep them apart, cancel and give the draft another name (the Scheme box, or its scheme line).';
    el.saveOther.querySelector('.save-other-label')!.textContent = `Add this draft to ${name} as v${target.version}`;
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
      this.loaded = { name, version: r.version, source };
      this.o.say(r.kind === 'created' ? `Saved ${name} v${r.version}.` : `No change: identical to ${name} v${r.version}, nothing saved.`, 'ok');
      await this.refresh();
    } catch (e) {
      this.fail(e);
    } finally {
      this.o.editor.focus();
    }
  }

  /** After the Activate dialog's review and confirmation. */
  async activate(name: string, version: number): Promise<void> {
    try {
      const message = await new ActivationDialog(this.o.el.activateDialog).confirm(name, version, this.active);
      if (message === null) return;
      const done = await api.activate(name, version, message);
      if (done.kind === 'requested') {
        this.o.say(`Activation of ${name} v${version} requested (${done.id}): this mode asks another approver to approve it.`, 'ok');
        return;
      }
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
      renderMarkdown(this.semantic, semanticDiff(a, b, label(this.o.el.diffFrom.value), label(this.o.el.diffTo.value)));
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
