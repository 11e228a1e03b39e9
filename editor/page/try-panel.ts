// The Try panel: request and state JSON prefilled from the scheme, Run decides in the page
// (the library's compile + decide, with trace), the Decision shown as JSON, and the routing
// tree painted onto the scheme: branches taken green, failed conditions red, each line's note
// cut to the room left of the editor's right edge (the whole note on hover).
import { compile, decide, expandTrace } from '../../index.js';
import { requestSchema } from '../../compiler/schema.js';
import type { SchemeFile } from '../../grammar/ast.js';
import { parse } from '../../grammar/parse.js';
import { jsonDefaults } from 'monaco-editor/languages/features/json/register.js';
import { prefillRequest, prefillState } from '../language/prefill.js';
import { isGreen, traceMarks } from '../language/trace.js';
import { mistakeText, readJson } from '../console-model/json-text.js';
import * as monaco from './monaco.js';

export interface TryPanelOptions {
  readonly scheme: monaco.editor.ITextModel;
  readonly schemeEditor: monaco.editor.IStandaloneCodeEditor;
  readonly elements: { readonly request: HTMLElement; readonly state: HTMLElement; readonly decision: HTMLElement; readonly summary: HTMLElement };
  readonly say: (message: string, kind?: 'info' | 'error' | 'ok') => void;
}

const jsonOptions = (): monaco.editor.IStandaloneEditorConstructionOptions => ({
  language: 'json',
  automaticLayout: true,
  minimap: { enabled: false },
  lineNumbers: 'off',
  folding: true,
  fontSize: 12.5,
  scrollBeyondLastLine: false,
  tabSize: 2,
  renderLineHighlight: 'none',
  fixedOverflowWidgets: true,
  padding: { top: 6 },
});

type Trace = readonly { readonly step: string; readonly [k: string]: unknown }[];

/** A note's `  ✓ ` before it and a margin after it, in characters. */
const NOTE_MARGIN = 6;
/** Less room than this, and a note shows only its mark. */
const NOTE_MIN = 8;

/** `text` within `room` characters, cut with `…`. */
function clip(text: string, room: number): string {
  if (text.length <= room) return text;
  return room < NOTE_MIN ? '' : `${text.slice(0, room - 1)}…`;
}

/** Hover text is Markdown: a note's punctuation (`[DE, AT]`, `*`) stays literal. */
const literal = (text: string): string => text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');

export class TryPanel {
  readonly request: monaco.editor.IStandaloneCodeEditor;
  readonly state: monaco.editor.IStandaloneCodeEditor;
  readonly decision: monaco.editor.IStandaloneCodeEditor;
  private readonly marks: monaco.editor.IEditorDecorationsCollection;
  /** The trace painted, to fit its notes again when the editor's width changes. */
  private painted: Trace | undefined;
  /** The user edited the request or state: stop refilling them from the scheme. */
  private touched = false;
  private filling = false;

  constructor(private readonly o: TryPanelOptions) {
    const mk = (el: HTMLElement, uri: string, readOnly = false) =>
      monaco.editor.create(el, { ...jsonOptions(), readOnly, model: monaco.editor.createModel('', 'json', monaco.Uri.parse(uri)) });
    this.request = mk(o.elements.request, 'inmemory://try/request.json');
    this.state = mk(o.elements.state, 'inmemory://try/state.json');
    this.decision = mk(o.elements.decision, 'inmemory://try/decision.json', true);
    this.marks = o.schemeEditor.createDecorationsCollection();
    for (const ed of [this.request, this.state]) {
      ed.onDidChangeModelContent(() => {
        if (!this.filling) this.touched = true;
      });
    }
    o.scheme.onDidChangeContent(() => this.clearMarks());
    o.schemeEditor.onDidLayoutChange(() => {
      if (this.painted) this.paint(this.painted);
    });
    this.prefill(true);
    this.schemeChanged();
  }

  private schemaText = '';

  /** After each change of the scheme: the request's JSON Schema, and a refill while untouched. */
  schemeChanged(): void {
    const ast = parse(this.o.scheme.getValue()).ast;
    this.validateAgainst(ast);
    this.prefill(false, ast);
  }

  /** The request editor validates against the scheme's derived request JSON Schema. */
  private validateAgainst(ast: SchemeFile): void {
    const { $schema: _draft, ...schema } = requestSchema(ast);
    const text = JSON.stringify(schema);
    if (text === this.schemaText) return;
    this.schemaText = text;
    jsonDefaults.setDiagnosticsOptions({
      validate: true,
      enableSchemaRequest: false,
      schemas: [{ uri: 'inmemory://schema/sluice-request.json', fileMatch: [this.request.getModel()!.uri.toString()], schema }],
    });
  }

  /** Refills request and state from the scheme; without `force`, only while untouched. */
  prefill(force = false, parsed?: SchemeFile): void {
    if (this.touched && !force) return;
    const ast = parsed ?? parse(this.o.scheme.getValue()).ast;
    this.filling = true;
    this.request.setValue(JSON.stringify(prefillRequest(ast), null, 2));
    this.state.setValue(JSON.stringify(prefillState(ast), null, 2));
    this.filling = false;
    if (force) this.touched = false;
  }

  run(): void {
    let compiled: ReturnType<typeof compile>;
    try {
      compiled = compile(this.o.scheme.getValue());
    } catch (e) {
      // compile() generates the decision functions and the request validator with
      // `new Function`; a Content-Security-Policy without 'unsafe-eval' forbids that.
      const blocked = e instanceof EvalError || (e instanceof Error && /unsafe-eval|Content Security Policy/i.test(e.message));
      const why = blocked
        ? "this page's Content-Security-Policy forbids compiling in the browser (its script-src needs 'unsafe-eval')"
        : `the compiler failed: ${e instanceof Error ? e.message : String(e)}`;
      this.show('not run', 'failed', { error: why });
      this.o.say(`Cannot run: ${why}.`, 'error');
      return;
    }
    const { scheme, diagnostics } = compiled;
    if (!scheme) {
      const errors = diagnostics.filter((d) => d.severity === 'error');
      const first = errors[0];
      this.show('not run', 'failed', { error: 'the scheme does not compile', diagnostics: errors.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.message}`) });
      this.o.say(`Cannot run: the scheme has ${errors.length} error${errors.length === 1 ? '' : 's'}${first ? ` (line ${first.span.start.line}: ${first.message})` : ''}.`, 'error');
      return;
    }
    const request = this.jsonOf(this.request, 'request');
    if (!request) return;
    const state = this.jsonOf(this.state, 'state');
    if (!state) return;
    const decided = decide(scheme, request.value, state.value, { trace: true });
    // Shown condition by condition, as the compact trace's entries expand.
    const result = decided.status === 'invalid' ? decided : { ...decided, trace: expandTrace(scheme, decided.trace) };
    if (result.status === 'invalid') {
      this.clearMarks();
      this.show('invalid request', 'failed', result);
      this.o.say(`Invalid request: ${result.errors.map((e) => `${e.path} ${e.message}`).join('; ')}.`, 'error');
      return;
    }
    const label = result.status === 'routed' ? `routed → ${result.route} (${result.strategy})` : result.status === 'blocked' ? `blocked by ${result.block}` : `failed: ${result.resolution}`;
    this.show(label, result.status, result);
    this.paint(result.trace);
    this.o.say(`Decision: ${label}.`, result.status === 'routed' ? 'ok' : 'info');
  }

  /** The editor's JSON; when it is not JSON, the last decision goes, and the mistake is shown and the cursor put on it. */
  private jsonOf(ed: monaco.editor.IStandaloneCodeEditor, what: string): { readonly value: unknown } | undefined {
    const read = readJson(ed.getValue());
    if (read.ok) return { value: read.value };
    this.clearMarks();
    this.show(`invalid JSON in the ${what}`, 'failed', { error: `the ${what} is not valid JSON`, line: read.line, column: read.column, message: read.message });
    this.o.say(`The ${what} is not valid JSON: ${mistakeText(read)}.`, 'error');
    ed.setPosition({ lineNumber: read.line, column: read.column });
    ed.revealPositionInCenterIfOutsideViewport({ lineNumber: read.line, column: read.column });
    ed.focus();
    return undefined;
  }

  private show(label: string, status: string, json: unknown): void {
    document.getElementById('decision-hint')?.remove();
    this.o.elements.summary.textContent = label;
    this.o.elements.summary.className = `badge ${status}`;
    this.decision.setValue(JSON.stringify(json, null, 2));
  }

  /** How many characters fit after `line` before the editor's right edge. */
  private room(line: number): number {
    const ed = this.o.schemeEditor;
    const layout = ed.getLayoutInfo();
    const char = ed.getOption(monaco.editor.EditorOption.fontInfo).typicalHalfwidthCharacterWidth;
    const columns = Math.floor((layout.contentWidth - layout.verticalScrollbarWidth) / char);
    return columns - this.o.scheme.getLineMaxColumn(line) - NOTE_MARGIN;
  }

  /** Green and red whole-line decorations from the trace's line numbers. */
  private paint(trace: Trace): void {
    this.painted = trace;
    const lines = this.o.scheme.getLineCount();
    this.marks.set(
      traceMarks(trace)
        .filter((m) => m.line >= 1 && m.line <= lines)
        .map((m) => {
          const green = isGreen(m.mark);
          return {
            range: new monaco.Range(m.line, 1, m.line, this.o.scheme.getLineMaxColumn(m.line)),
            options: {
              isWholeLine: true,
              className: green ? 'trace-line trace-green' : 'trace-line trace-red',
              linesDecorationsClassName: green ? 'trace-gutter trace-green-gutter' : 'trace-gutter trace-red-gutter',
              hoverMessage: { value: `${green ? '✓' : '✗'} ${literal(m.note)}` },
              overviewRuler: { color: green ? '#22c55e' : '#ef4444', position: monaco.editor.OverviewRulerLane.Left },
              after: { content: `  ${green ? '✓' : '✗'} ${clip(m.note, this.room(m.line))}`, inlineClassName: green ? 'trace-note trace-note-green' : 'trace-note trace-note-red' },
            },
          };
        }),
    );
  }

  clearMarks(): void {
    this.painted = undefined;
    this.marks.clear();
  }
}
