// The Sluice page: the scheme editor with the language's support, the Try panel, the scheme
// lifecycle against the service, keyboard shortcuts, theme and status bar; and the operations
// console beside it (payout requests, route state, simulation: src/console/).
import './style.css';
import { format } from '../../grammar/format.js';
import type { DiagnosticJSON } from '../../language/diagnose.js';
import type { OutlineItem, OutlineKind } from '../../language/outline.js';
import { countText } from '../../language/diagnose.js';
import * as api from './api.js';
import { Console } from './console/console.js';
import { Lifecycle } from './lifecycle.js';
import * as monaco from './monaco.js';
import { sampleScheme } from './sample.js';
import { attachDiagnostics, defineThemes, LANGUAGE_ID, registerSluice } from './sluice-language.js';
import { TryPanel } from './try-panel.js';

self.MonacoEnvironment = {
  getWorker(_id: string, label: string): Worker {
    const file = label === 'json' ? './json.worker.js' : './editor.worker.js';
    return new Worker(new URL(file, import.meta.url), { type: 'module', name: label });
  },
};

function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page lacks #${id}`);
  return el as T;
}

// ---- theme ----
const THEME_KEY = 'sluice.theme';
type Theme = 'dark' | 'light';
let theme: Theme = (localStorage.getItem(THEME_KEY) as Theme | null) ?? (matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark');
function applyTheme(): void {
  document.documentElement.dataset['theme'] = theme;
  monaco.editor.setTheme(theme === 'dark' ? 'sluice-dark' : 'sluice-light');
}

registerSluice();
defineThemes();
applyTheme();

// ---- status bar ----
const statusMessage = $('status-message');
function say(message: string, kind: 'info' | 'error' | 'ok' = 'info'): void {
  statusMessage.textContent = message;
  statusMessage.className = `msg ${kind}`;
  statusMessage.title = message;
}

// ---- the scheme editor ----
const DRAFT_KEY = 'sluice.draft';
const draft = localStorage.getItem(DRAFT_KEY);
const model = monaco.editor.createModel(draft ?? sampleScheme(), LANGUAGE_ID, monaco.Uri.parse('inmemory://scheme/scheme.sluice'));
const editor = monaco.editor.create($('editor'), {
  model,
  automaticLayout: true,
  fontSize: 14,
  fontFamily: "'JetBrains Mono', 'Fira Code', ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace",
  minimap: { enabled: false },
  tabSize: 2,
  insertSpaces: true,
  scrollBeyondLastLine: false,
  renderWhitespace: 'none',
  fixedOverflowWidgets: true,
  padding: { top: 10 },
  'semanticHighlighting.enabled': false,
  quickSuggestions: { other: true, comments: false, strings: true },
  suggestOnTriggerCharacters: true,
});

let draftTimer: ReturnType<typeof setTimeout> | undefined;
model.onDidChangeContent(() => {
  clearTimeout(draftTimer);
  draftTimer = setTimeout(() => localStorage.setItem(DRAFT_KEY, model.getValue()), 400);
});

// ---- problems ----
const problems = $('problems');
let diagnostics: readonly DiagnosticJSON[] = [];
function renderProblems(title: string | undefined, list: readonly DiagnosticJSON[]): void {
  problems.replaceChildren();
  if (title) {
    const h = document.createElement('div');
    h.className = 'problems-title';
    h.textContent = title;
    problems.append(h);
  }
  for (const d of list) {
    const b = document.createElement('button');
    b.className = `problem ${d.severity}`;
    b.innerHTML = '<span class="sev"></span><span class="loc"></span><span class="text"></span><span class="code"></span>';
    b.querySelector('.sev')!.textContent = d.severity === 'error' ? '✗' : '!';
    b.querySelector('.loc')!.textContent = `${d.line}:${d.column}`;
    b.querySelector('.text')!.textContent = d.message;
    b.querySelector('.code')!.textContent = d.code;
    b.addEventListener('click', () => {
      editor.setPosition({ lineNumber: d.line, column: d.column });
      editor.revealLineInCenter(d.line);
      editor.focus();
    });
    problems.append(b);
  }
  problems.hidden = problems.childElementCount === 0;
}

// ---- outline ----
const outlineList = $('outline');
const OUTLINE_ICON: Record<OutlineKind, string> = { scheme: '◆', field: 'ƒ', route: '⇢', block: '⊘', service: '▣', branch: '↳', strategy: '◎', cascade: '≡', reject: '✗' };
const OUTLINE_ROWS = 400;
function renderOutline(items: readonly OutlineItem[]): void {
  const rows: HTMLElement[] = [];
  const walk = (items: readonly OutlineItem[], depth: number) => {
    for (const i of items) {
      if (rows.length >= OUTLINE_ROWS) return;
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.className = `item outline-${i.kind}`;
      b.style.paddingLeft = `${6 + depth * 12}px`;
      b.textContent = `${OUTLINE_ICON[i.kind]} ${i.name}`;
      b.title = `${i.name} ${i.detail} (line ${i.range.startLine})`;
      b.addEventListener('click', () => {
        editor.setSelection({ startLineNumber: i.selection.startLine, startColumn: i.selection.startColumn, endLineNumber: i.selection.endLine, endColumn: i.selection.endColumn });
        editor.revealLineInCenter(i.selection.startLine);
        editor.focus();
      });
      li.append(b);
      rows.push(li);
      walk(i.children, depth + 1);
    }
  };
  walk(items, 0);
  outlineList.replaceChildren(...rows);
}

const statusDiagnostics = $('status-diagnostics');
attachDiagnostics(model, ({ diagnostics: list, outline: items, ms }) => {
  diagnostics = list;
  const errors = list.filter((d) => d.severity === 'error').length;
  statusDiagnostics.textContent = `${errors ? '✗' : list.length ? '!' : '✓'} ${countText(list)}`;
  statusDiagnostics.className = errors ? 'diag error' : list.length ? 'diag warning' : 'diag ok';
  statusDiagnostics.title = `checked in ${ms.toFixed(1)} ms in the language worker`;
  renderProblems(undefined, list);
  renderOutline(items);
  tryPanel.schemeChanged();
});
statusDiagnostics.addEventListener('click', () => {
  const first = diagnostics[0];
  if (!first) return;
  editor.setPosition({ lineNumber: first.line, column: first.column });
  editor.revealLineInCenter(first.line);
  editor.focus();
});

const statusCursor = $('status-cursor');
editor.onDidChangeCursorPosition((e) => (statusCursor.textContent = `Ln ${e.position.lineNumber}, Col ${e.position.column}`));

// ---- Try panel ----
const tryPanel = new TryPanel({
  scheme: model,
  schemeEditor: editor,
  elements: { request: $('request'), state: $('state'), decision: $('decision'), summary: $('decision-summary') },
  say,
});

// ---- lifecycle ----
const lifecycle = new Lifecycle({
  model,
  editor,
  el: {
    name: $<HTMLInputElement>('scheme-name'),
    names: $<HTMLDataListElement>('scheme-names'),
    versionLabel: $('version-label'),
    schemes: $('scheme-list'),
    versions: $('version-list'),
    diff: $('diff'),
    diffEditor: $('diff-editor'),
    diffFrom: $<HTMLSelectElement>('diff-from'),
    diffTo: $<HTMLSelectElement>('diff-to'),
    saveDialog: $<HTMLDialogElement>('save-dialog'),
    saveMessage: $<HTMLInputElement>('save-message'),
    saveOther: $('save-other'),
    saveOtherOk: $<HTMLInputElement>('save-other-ok'),
    saveConfirm: $<HTMLButtonElement>('save-confirm'),
    activateDialog: $<HTMLDialogElement>('activate-dialog'),
  },
  fresh: draft === null,
  say,
  showProblems: (title, list) => renderProblems(title, list),
  onOpened: () => tryPanel.prefill(true),
});

// ---- settings ----
const settings = $<HTMLDialogElement>('settings');
const keyInput = $<HTMLInputElement>('api-key');
const statusKey = $('status-key');
function renderKey(): void {
  const key = api.apiKey();
  statusKey.textContent = key ? `key …${key.slice(-4)}` : 'no API key';
  statusKey.className = key ? 'key' : 'key missing';
}
function openSettings(): void {
  keyInput.value = api.apiKey();
  settings.returnValue = '';
  settings.showModal();
  keyInput.focus();
}
settings.addEventListener('close', () => {
  if (settings.returnValue === 'save') {
    api.setApiKey(keyInput.value.trim());
    renderKey();
    say(keyInput.value.trim() ? 'API key kept for this tab (sessionStorage).' : 'API key removed.', 'ok');
    void lifecycle.refresh();
    consoleView.keyChanged();
  }
});
statusKey.addEventListener('click', openSettings);

// ---- actions and shortcuts ----
function formatDocument(): void {
  const r = format(model.getValue());
  if (!r.ok) {
    const d = r.diagnostics.find((x) => x.severity === 'error');
    say(`Cannot format: fix the syntax error first${d ? ` (line ${d.span.start.line}: ${d.message})` : ''}.`, 'error');
    return;
  }
  void editor.getAction('editor.action.formatDocument')?.run();
  say('Formatted.', 'ok');
}
const actions: Record<string, () => void> = {
  'btn-format': formatDocument,
  'btn-save': () => lifecycle.promptSave(),
  'btn-run': () => tryPanel.run(),
  'btn-diff': () => void (lifecycle.diffOpen ? lifecycle.closeDiff() : lifecycle.openDiff()),
  'btn-settings': openSettings,
  'btn-refresh': () => void lifecycle.refresh(),
  'btn-prefill': () => tryPanel.prefill(true),
  'diff-close': () => lifecycle.closeDiff(),
  'btn-theme': () => {
    theme = theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem(THEME_KEY, theme);
    applyTheme();
  },
};
for (const [id, run] of Object.entries(actions)) $(id).addEventListener('click', run);

// ---- the console ----
const consoleView = new Console({
  say,
  source: () => model.getValue(),
  schemeName: () => lifecycle.name(),
  onEditor: () => editor.focus(),
});

// Capture phase: the shortcuts work from any of the page's editors and fields.
document.addEventListener(
  'keydown',
  (e) => {
    const mod = e.ctrlKey || e.metaKey;
    if (consoleView.key(e)) {
      e.preventDefault();
      e.stopPropagation();
    } else if (consoleView.view.name !== 'editor') {
      // The editor's shortcuts belong to the editor view.
    } else if (mod && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 's') {
      e.preventDefault();
      e.stopPropagation();
      if (!document.querySelector('dialog[open]')) lifecycle.promptSave();
    } else if (mod && e.key === 'Enter') {
      e.preventDefault();
      e.stopPropagation();
      tryPanel.run();
    } else if (e.shiftKey && e.altKey && !mod && e.code === 'KeyF') {
      // Monaco binds Format Document to Ctrl+Shift+I on Linux; Shift+Alt+F works everywhere here.
      e.preventDefault();
      e.stopPropagation();
      formatDocument();
    } else if (e.key === 'Escape' && lifecycle.diffOpen && !document.querySelector('dialog[open]')) {
      lifecycle.closeDiff();
    }
  },
  true,
);

renderKey();
if (consoleView.view.name === 'editor') editor.focus();
void lifecycle.refresh();
if (!api.apiKey()) say('Paste an API key into Settings (⚙) to save and load schemes; everything else works offline.');

// For the browser test and for debugging from the console.
Object.assign(window, { sluiceEditor: { editor, model, monaco, tryPanel, lifecycle, console: consoleView } });
