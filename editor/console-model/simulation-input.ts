// The simulation view's inputs: JSONL traffic (one request a line, blank lines ignored) and a
// state JSON, read with messages that name the line; and sample traffic made from a scheme.
import type * as A from '../../grammar/ast.js';
import { mulberry32 } from '../../runtime/prng.js';
import { prefillRequest, type Json } from '../language/prefill.js';
import { symbolsOf } from '../../language/symbols.js';
import { mistakeText, readJson } from './json-text.js';

export interface JsonLine {
  /** 1-based line in the pasted or uploaded text. */
  readonly line: number;
  readonly json: unknown;
}

export type JsonlResult = { readonly ok: true; readonly requests: JsonLine[] } | { readonly ok: false; readonly line: number; readonly message: string };

export function parseJsonl(text: string): JsonlResult {
  const requests: JsonLine[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.trim()) continue;
    const read = readJson(lines[i]!);
    if (!read.ok) return { ok: false, line: i + 1, message: `line ${i + 1} is not valid JSON (column ${read.column}: ${read.message})` };
    const json = read.value;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, line: i + 1, message: `line ${i + 1} is not a JSON object` };
    requests.push({ line: i + 1, json });
  }
  return { ok: true, requests };
}

export type StateResult = { readonly ok: true; readonly state: unknown } | { readonly ok: false; readonly message: string };

/** Empty text means no state (unknown balances, no rates, no history). */
export function parseStateText(text: string): StateResult {
  if (!text.trim()) return { ok: true, state: undefined };
  const read = readJson(text);
  if (!read.ok) return { ok: false, message: `the state is not valid JSON (${mistakeText(read)})` };
  const state = read.value;
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return { ok: false, message: 'the state must be a JSON object' };
  return { ok: true, state };
}

const COUNTRIES = ['DE', 'AT', 'FR', 'NL', 'ES', 'IT', 'PL', 'US'];

/**
 * `count` requests the scheme accepts, spread over its services, amounts (10 to ~20,000),
 * countries and the values of its `one_of` fields; one JSON object a line.
 */
export function sampleTraffic(file: A.SchemeFile, count: number, seed = 1): string {
  const sym = symbolsOf(file);
  const services = [...sym.services.keys()];
  const base = prefillRequest(file);
  const next = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const fields: { [key: string]: Json } = { ...(base['fields'] as { [key: string]: Json }) };
    for (const f of sym.fields.values()) {
      if (f.type === 'one_of' && f.values.length) fields[f.name.name] = pick(f.values).value;
      if (f.type === 'int') fields[f.name.name] = 1 + Math.floor(next() * 3);
    }
    const cents = Math.round(10 ** (1 + next() * 3.3) * 100);
    const minute = String(i % 60).padStart(2, '0');
    lines.push(
      JSON.stringify({
        ...base,
        amount: (cents / 100).toFixed(2),
        ...(services.length ? { service: pick(services) } : {}),
        country: pick(COUNTRIES),
        created_at: `2026-01-15T10:${minute}:00Z`,
        fields,
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}
