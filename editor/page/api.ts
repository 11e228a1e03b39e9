// The scheme lifecycle against the service's HTTP API (same origin), with the API key the
// user pasted into Settings, kept for the tab only (sessionStorage). Every failure becomes an
// ApiError whose message is in words.
import type { DiagnosticJSON } from '../../language/diagnose.js';

export interface SchemeSummary {
  readonly name: string;
  readonly latest: number | null;
  readonly active: number | null;
  /** Per mode, when the service reports it that way. */
  readonly activeByMode: Readonly<Record<string, number>>;
}

export interface VersionSummary {
  readonly version: number;
  readonly hash?: string;
  readonly message?: string;
  readonly created_at?: string;
  readonly active?: boolean;
  /** The name of the key that saved it. */
  readonly by?: string;
}

export interface VersionDetail {
  readonly source: string;
  readonly hash?: string;
  readonly message?: string;
  readonly created_at?: string;
}

export type SaveResult =
  | { readonly kind: 'created'; readonly version: number; readonly diagnostics: readonly DiagnosticJSON[] }
  | { readonly kind: 'unchanged'; readonly version: number }
  | { readonly kind: 'rejected'; readonly message: string; readonly diagnostics: readonly DiagnosticJSON[] };

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const KEY_STORAGE = 'sluice.apiKey';

// Earlier builds kept the key in localStorage: it does not stay there.
try {
  localStorage.removeItem(KEY_STORAGE);
} catch {
  // storage unavailable: nothing to forget
}

/** The API key, kept in sessionStorage only: this tab, until it is closed. */
export function apiKey(): string {
  return sessionStorage.getItem(KEY_STORAGE) ?? '';
}

export function setApiKey(key: string): void {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);
const strOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** One call with the API key; 2xx and 422 answer, any other status throws an ApiError in words. */
export async function request(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const key = apiKey();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key) headers['authorization'] = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch {
    throw new ApiError(`Cannot reach the service at ${location.origin}: is it running?`, 0);
  }
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (res.ok || res.status === 422) return { status: res.status, json };
  throw new ApiError(describeFailure(res.status, json, key !== ''), res.status);
}

/** A failed response in words: what went wrong and what to do about it. */
export function describeFailure(status: number, json: unknown, hasKey: boolean): string {
  const p = isObject(json) ? json : {};
  const detail = strOf(p['detail']) ?? strOf(p['title']) ?? strOf(p['message']) ?? strOf(p['error']);
  const tail = detail ? `: ${detail}` : '';
  switch (status) {
    case 401:
      return hasKey ? `The service refused the API key${tail}. Check it in Settings.` : 'No API key: paste one into Settings (the gear at the top right).';
    case 403:
      return `This API key may not do that${tail}. Test keys cannot touch live schemes.`;
    case 404:
      return `Not found${tail}.`;
    case 409:
      return `Conflict${tail}.`;
    case 503:
      return `The service is unavailable for now${tail}. Try again in a moment.`;
    default:
      return `The service answered ${status}${tail}.`;
  }
}

const enc = encodeURIComponent;

export async function listSchemes(): Promise<SchemeSummary[]> {
  const { json } = await request('GET', '/v1/schemes');
  const items = Array.isArray(json) ? json : isObject(json) && Array.isArray(json['schemes']) ? json['schemes'] : isObject(json) && Array.isArray(json['data']) ? json['data'] : [];
  return items.filter(isObject).map((s) => {
    const active = s['active'] ?? s['active_version'];
    const activeByMode: Record<string, number> = {};
    if (isObject(active)) for (const [mode, v] of Object.entries(active)) if (num(v) !== null) activeByMode[mode] = num(v)!;
    return {
      name: strOf(s['name']) ?? '?',
      latest: num(s['latest'] ?? s['latest_version']),
      active: isObject(active) ? (Object.values(activeByMode)[0] ?? null) : num(active),
      activeByMode,
    };
  });
}

export async function listVersions(name: string): Promise<VersionSummary[]> {
  const { json } = await request('GET', `/v1/schemes/${enc(name)}/versions`);
  const items = Array.isArray(json) ? json : isObject(json) && Array.isArray(json['versions']) ? json['versions'] : isObject(json) && Array.isArray(json['data']) ? json['data'] : [];
  return items
    .filter(isObject)
    .map((v) => ({
      version: num(v['version']) ?? 0,
      ...(strOf(v['hash']) ? { hash: strOf(v['hash'])! } : {}),
      ...(strOf(v['message']) !== undefined ? { message: strOf(v['message'])! } : {}),
      ...(strOf(v['created_at']) ? { created_at: strOf(v['created_at'])! } : {}),
      ...(typeof v['active'] === 'boolean' ? { active: v['active'] } : {}),
      ...(isObject(v['created_by']) && strOf(v['created_by']['name']) ? { by: strOf(v['created_by']['name'])! } : {}),
    }))
    .sort((a, b) => b.version - a.version);
}

export async function getVersion(name: string, version: number): Promise<VersionDetail> {
  const { json } = await request('GET', `/v1/schemes/${enc(name)}/versions/${version}`);
  if (!isObject(json) || typeof json['source'] !== 'string') throw new ApiError(`Version ${version} of ${name} came back without its source.`, 200);
  return {
    source: json['source'],
    ...(strOf(json['hash']) ? { hash: strOf(json['hash'])! } : {}),
    ...(strOf(json['message']) !== undefined ? { message: strOf(json['message'])! } : {}),
    ...(strOf(json['created_at']) ? { created_at: strOf(json['created_at'])! } : {}),
  };
}

function diagnosticsOf(v: unknown): DiagnosticJSON[] {
  return Array.isArray(v) ? v.filter(isObject).map((d) => d as unknown as DiagnosticJSON) : [];
}

export async function saveVersion(name: string, source: string, message: string): Promise<SaveResult> {
  const { status, json } = await request('POST', `/v1/schemes/${enc(name)}/versions`, { source, message });
  const o = isObject(json) ? json : {};
  if (status === 422) {
    const detail = strOf(o['detail']) ?? strOf(o['title']) ?? 'the scheme has errors';
    return { kind: 'rejected', message: detail, diagnostics: diagnosticsOf(o['diagnostics']) };
  }
  const version = num(o['version']) ?? 0;
  if (status === 201) return { kind: 'created', version, diagnostics: diagnosticsOf(o['diagnostics']) };
  return { kind: 'unchanged', version };
}

/** Activated at once, or (the mode asks for four eyes) an activation request made for an approver to decide. */
export type Activated = { readonly kind: 'activated' } | { readonly kind: 'requested'; readonly id: string };

export async function activate(name: string, version: number, message = ''): Promise<Activated> {
  const { status, json } = await request('POST', `/v1/schemes/${enc(name)}/activate`, message ? { version, message } : { version });
  const ask = isObject(json) && isObject(json['activation_request']) ? json['activation_request'] : undefined;
  return status === 202 && ask ? { kind: 'requested', id: strOf(ask['id']) ?? '' } : { kind: 'activated' };
}
