// Diagnostics of many files in the form a reader wants: text lines for people, JSON for tools,
// GitHub Actions workflow commands (annotations on a pull request), SARIF 2.1.0 (code scanning).
import { diagnosticToJSON, type Diagnostic, type DiagnosticJSON, type Severity } from '../grammar/diagnostics.js';
import { formatDiagnostic } from './diagnostics.js';

export const FORMATS = ['text', 'json', 'github', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

export const isFormat = (v: string): v is Format => (FORMATS as readonly string[]).includes(v);

export interface FileDiagnostics {
  readonly file: string;
  readonly diagnostics: readonly Diagnostic[];
}

/** The whole report for `format`, newline-terminated (empty when text or github has nothing to say). */
export function report(format: Format, files: readonly FileDiagnostics[], version: string): string {
  switch (format) {
    case 'text':
      return lines(files.flatMap((f) => f.diagnostics.map((d) => formatDiagnostic(f.file, d))));
    case 'github':
      return lines(files.flatMap((f) => f.diagnostics.map((d) => githubCommand(f.file, diagnosticToJSON(d)))));
    case 'json':
      return `${JSON.stringify(files.flatMap((f) => f.diagnostics.map((d) => ({ file: f.file, ...diagnosticToJSON(d) }))), null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(sarif(files, version), null, 2)}\n`;
  }
}

const lines = (xs: readonly string[]): string => xs.map((x) => `${x}\n`).join('');

/** GitHub's escaping of a workflow command's data, and (more) of its properties. */
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function githubCommand(file: string, d: DiagnosticJSON): string {
  const props = [`file=${escapeProperty(file)}`, `line=${d.line}`, `col=${d.column}`, `endLine=${d.endLine}`, `endColumn=${d.endColumn}`, `title=${escapeProperty(d.code)}`];
  return `::${d.severity} ${props.join(',')}::${escapeData(d.message)}`;
}

interface SarifResult {
  readonly ruleId: string;
  readonly level: Severity;
  readonly message: { readonly text: string };
  readonly locations: readonly {
    readonly physicalLocation: {
      readonly artifactLocation: { readonly uri: string };
      readonly region: { readonly startLine: number; readonly startColumn: number; readonly endLine: number; readonly endColumn: number };
    };
  }[];
}

interface SarifLog {
  readonly version: '2.1.0';
  readonly $schema: string;
  readonly runs: readonly {
    readonly tool: { readonly driver: { readonly name: string; readonly version: string; readonly rules: readonly { readonly id: string }[] } };
    readonly results: readonly SarifResult[];
  }[];
}

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

function sarif(files: readonly FileDiagnostics[], version: string): SarifLog {
  const results: SarifResult[] = files.flatMap((f) =>
    f.diagnostics.map((raw) => {
      const d = diagnosticToJSON(raw);
      return {
        ruleId: d.code,
        level: d.severity,
        message: { text: d.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: f.file.split('\\').join('/') },
              region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
            },
          },
        ],
      };
    }),
  );
  const rules = [...new Set(results.map((r) => r.ruleId))].sort().map((id) => ({ id }));
  return {
    version: '2.1.0',
    $schema: SARIF_SCHEMA,
    runs: [{ tool: { driver: { name: 'sluice', version, rules } }, results }],
  };
}
