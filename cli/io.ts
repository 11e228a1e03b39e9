// File access for the CLI: every failure is one clear line, never a stack trace.
import { readFileSync, statSync, writeFileSync } from 'node:fs';

export type ReadResult = { ok: true; text: string } | { ok: false; message: string };

/** Exit codes shared by every subcommand (DESIGN.md). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export function readText(path: string): ReadResult {
  try {
    if (statSync(path).isDirectory()) return { ok: false, message: `${path}: is a directory, not a file` };
    return { ok: true, text: readFileSync(path, 'utf8') };
  } catch (e) {
    return { ok: false, message: `${path}: ${describeFsError(e)}` };
  }
}

export function writeText(path: string, text: string): string | undefined {
  try {
    writeFileSync(path, text);
    return undefined;
  } catch (e) {
    return `${path}: ${describeFsError(e)}`;
  }
}

function describeFsError(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a file';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

/** Reads a JSON file; the message names the file and what is wrong with it. */
export function readJson(path: string): { ok: true; value: unknown } | { ok: false; message: string } {
  const text = readText(path);
  if (!text.ok) return text;
  try {
    return { ok: true, value: JSON.parse(text.text) };
  } catch (e) {
    return { ok: false, message: `${path}: not valid JSON (${e instanceof Error ? e.message : String(e)})` };
  }
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const stdio: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};
