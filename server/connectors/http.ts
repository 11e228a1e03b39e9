// The generic HTTP connector: a provider's REST API described by configuration (per route and
// mode) rather than code. Requests are JSON templates filled with the payout's values; answers
// are read at dotted paths and mapped to the gateway's statuses and codes. Anything unclear (a
// timeout, a network error, a 5xx, an unmapped status) is `unknown`: asked again, never guessed.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isCurrency, minorUnits } from '../../runtime/currencies.js';
import { cmp, parseDecimal, parseJsonDecimal, roundHalfUp } from '../../runtime/rational.js';
import type { Mode } from '../db/schema.js';
import type { Connector, PayoutOrder, ProviderAnswer, WebhookEvent, WebhookResult } from './connector.js';

export type MappedStatus = 'accepted' | 'succeeded' | 'failed' | 'reversed';

export interface RequestTemplate {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Appended to base_url; placeholders are URL-encoded. */
  readonly path: string;
  /** Any JSON; placeholders in its strings are filled in before it is serialized. */
  readonly body?: unknown;
}

export interface HttpConnectorConfig {
  readonly base_url: string;
  /** The header that carries `secrets.credentials` (e.g. `authorization`). */
  readonly credentials_header?: string;
  readonly timeout_ms?: number;
  readonly send: RequestTemplate;
  readonly status: RequestTemplate;
  /** Dotted paths into an answer (and into each webhook event). */
  readonly response: { readonly status: string; readonly reference?: string; readonly code?: string; readonly processed?: string };
  readonly statuses: Readonly<Record<string, MappedStatus>>;
  readonly codes?: Readonly<Record<string, string>>;
  readonly default_code?: string;
  readonly webhook?: {
    readonly signature_header: string;
    /** `hmac-sha256-hex`: the header is hex(HMAC(secret, body)); `timestamped`: `t=SECONDS,v1=hex(HMAC(secret, "SECONDS.body"))`. */
    readonly scheme: 'hmac-sha256-hex' | 'timestamped';
    readonly tolerance_s?: number;
    /** Where the events' array is; without it the body is one event (or an array of them). */
    readonly events?: string;
    /** Where an event names our payout id (else it is matched by the provider's reference). */
    readonly payout_id?: string;
  };
}

export interface HttpConnectorSecrets {
  readonly credentials?: string;
  readonly webhook_secret?: string;
}

export const PLACEHOLDERS = ['id', 'amount', 'amount_minor', 'currency', 'route', 'mode', 'reference'] as const;
const PLACEHOLDER = /\{\{([a-z_]+)\}\}/g;
const DOTTED = '^[A-Za-z0-9_-]{1,100}(\\.[A-Za-z0-9_-]{1,100}){0,19}$';
const GATEWAY_CODE = '^[A-Za-z0-9_.-]{1,100}$';
const HEADER_NAME = "^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$";

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_CODE = 'provider_declined';
/** Larger answers are not read: a provider's answer about one payout is small. */
export const MAX_ANSWER_BYTES = 1 << 20;
const MAX_WEBHOOK_EVENTS = 1_000;
/** The serialized configuration's limit (templates included). */
export const MAX_CONFIG_BYTES = 64 * 1024;

const path = { type: 'string', pattern: DOTTED };
const template = (methods: readonly string[]) => ({
  type: 'object',
  required: ['method', 'path'],
  additionalProperties: false,
  properties: { method: { enum: methods }, path: { type: 'string', pattern: '^/', maxLength: 2_000 }, body: {} },
});

/** The configuration's JSON Schema (ajv checks it; /openapi.json publishes it). */
export const HTTP_CONFIG_SCHEMA = {
  type: 'object',
  required: ['base_url', 'send', 'status', 'response', 'statuses'],
  additionalProperties: false,
  properties: {
    base_url: { type: 'string', pattern: '^https?://', maxLength: 2_000 },
    credentials_header: { type: 'string', pattern: HEADER_NAME },
    timeout_ms: { type: 'integer', minimum: 100, maximum: 60_000 },
    send: template(['POST', 'PUT']),
    status: template(['GET', 'POST']),
    response: {
      type: 'object',
      required: ['status'],
      additionalProperties: false,
      properties: { status: path, reference: path, code: path, processed: path },
    },
    statuses: {
      type: 'object',
      minProperties: 1,
      maxProperties: 100,
      propertyNames: { maxLength: 100 },
      additionalProperties: { enum: ['accepted', 'succeeded', 'failed', 'reversed'] },
    },
    codes: { type: 'object', maxProperties: 1_000, propertyNames: { maxLength: 100 }, additionalProperties: { type: 'string', pattern: GATEWAY_CODE } },
    default_code: { type: 'string', pattern: GATEWAY_CODE },
    webhook: {
      type: 'object',
      required: ['signature_header', 'scheme'],
      additionalProperties: false,
      properties: {
        signature_header: { type: 'string', pattern: HEADER_NAME },
        scheme: { enum: ['hmac-sha256-hex', 'timestamped'] },
        tolerance_s: { type: 'integer', minimum: 1, maximum: 86_400 },
        events: path,
        payout_id: path,
      },
    },
  },
} as const;

/** Secret values: one header line each, never returned by the API. `null` removes one. */
export const HTTP_SECRETS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    credentials: { anyOf: [{ type: 'string', minLength: 1, maxLength: 4_096, pattern: '^[^\\r\\n]*$' }, { type: 'null' }] },
    webhook_secret: { anyOf: [{ type: 'string', minLength: 1, maxLength: 4_096 }, { type: 'null' }] },
  },
} as const;

export interface ConfigError {
  readonly path: string;
  readonly message: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** What the schema cannot say: a usable URL, known placeholders, the secrets the config needs, its size. */
export function checkHttpConfig(mode: Mode, config: HttpConnectorConfig, secrets: HttpConnectorSecrets): ConfigError[] {
  const errors: ConfigError[] = [];
  const url = URL.canParse(config.base_url) ? new URL(config.base_url) : undefined;
  if (!url || url.username || url.password || url.search || url.hash) {
    errors.push({ path: '/config/base_url', message: 'must be an http(s) URL without credentials, query or fragment' });
  } else if (mode === 'live' && url.protocol !== 'https:' && !LOOPBACK.has(url.hostname)) {
    errors.push({ path: '/config/base_url', message: 'live mode sends credentials only over https (or to this machine)' });
  }
  for (const name of ['send', 'status'] as const) {
    const t = config[name];
    for (const [where, names] of [['path', placeholdersIn(t.path)], ['body', placeholdersIn(t.body)]] as const) {
      const unknown = names.filter((n) => !(PLACEHOLDERS as readonly string[]).includes(n));
      if (unknown.length) errors.push({ path: `/config/${name}/${where}`, message: `unknown placeholder {{${unknown[0]}}}; known: ${PLACEHOLDERS.join(', ')}` });
    }
    if (t.method === 'GET' && t.body !== undefined) errors.push({ path: `/config/${name}/body`, message: 'a GET request has no body' });
  }
  if (config.credentials_header && !secrets.credentials) errors.push({ path: '/secrets/credentials', message: 'is required with config.credentials_header' });
  if (config.webhook && !secrets.webhook_secret) errors.push({ path: '/secrets/webhook_secret', message: 'is required with config.webhook' });
  if (Buffer.byteLength(JSON.stringify(config)) > MAX_CONFIG_BYTES) errors.push({ path: '/config', message: `is over ${MAX_CONFIG_BYTES} bytes` });
  return errors;
}

function placeholdersIn(value: unknown, found: string[] = [], depth = 0): string[] {
  if (depth > 32) return found;
  if (typeof value === 'string') for (const m of value.matchAll(PLACEHOLDER)) found.push(m[1]!);
  else if (Array.isArray(value)) value.forEach((v) => placeholdersIn(v, found, depth + 1));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => placeholdersIn(v, found, depth + 1));
  return found;
}

type Values = Readonly<Record<string, string | null>>;

function values(order: PayoutOrder): Values {
  const amount = parseDecimal(order.amount);
  const minor = amount && isCurrency(order.currency) ? roundHalfUp(amount, minorUnits(order.currency)).toString() : order.amount;
  return { id: order.id, amount: order.amount, amount_minor: minor, currency: order.currency, route: order.route, mode: order.mode, reference: order.reference };
}

/** Fills a template's strings; the result is serialized whole, so every value is JSON-escaped. */
function fill(value: unknown, vals: Values, encode: (s: string) => string = (s) => s): unknown {
  if (typeof value === 'string') return value.replace(PLACEHOLDER, (_, name: string) => encode(vals[name] ?? ''));
  if (Array.isArray(value)) return value.map((v) => fill(v, vals, encode));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vals, encode)]));
  return value;
}

/** Reads `a.b.0.c` in parsed JSON: own properties and array indexes only. */
export function readPath(root: unknown, dotted: string): unknown {
  let v: unknown = root;
  for (const key of dotted.split('.')) {
    if (Array.isArray(v) && /^\d+$/.test(key)) v = v[Number(key)];
    else if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, key)) v = (v as Record<string, unknown>)[key];
    else return undefined;
  }
  return v;
}

const scalar = (v: unknown): string | undefined => (typeof v === 'string' && v.length <= 500 ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);

type Answer = { readonly ok: true; readonly status: number; readonly body: unknown } | { readonly ok: false; readonly reason: string };

/** Reads at most MAX_ANSWER_BYTES of a response; undefined past that. */
async function readLimited(res: Response): Promise<string | undefined> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Why a request went unanswered, in words that name no secret. */
function failureReason(e: unknown, timeoutMs: number): string {
  const name = (e as { name?: unknown }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = (e as { cause?: { code?: unknown } }).cause?.code;
  return `the request failed${typeof code === 'string' ? ` (${code})` : ''}`;
}

export interface HttpConnectorOptions {
  /** The clock (ms since the epoch), for timestamped webhook signatures. */
  readonly now?: () => number;
}

export class HttpConnector implements Connector {
  readonly kind = 'http';
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(
    private readonly config: HttpConnectorConfig,
    private readonly secrets: HttpConnectorSecrets,
    options: HttpConnectorOptions = {},
  ) {
    this.base = config.base_url.replace(/\/+$/, '');
    this.timeoutMs = config.timeout_ms ?? DEFAULT_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
  }

  async send(order: PayoutOrder): Promise<ProviderAnswer> {
    const res = await this.call(this.config.send, values(order));
    if (!res.ok) return { kind: 'unknown', reason: res.reason };
    const { status, body } = res;
    if (status >= 200 && status < 300) return this.read(body, order.amount, 'send');
    // A duplicate (409), a throttle (429) or a request timeout (408) says nothing of the payout's fate.
    if (status >= 400 && status < 500 && ![408, 409, 429].includes(status)) {
      return { kind: 'failed', code: this.code(scalar(this.at(body, 'code')) ?? `http_${status}`) };
    }
    return { kind: 'unknown', reason: `the provider answered ${status}` };
  }

  async status(order: PayoutOrder): Promise<ProviderAnswer> {
    const t = this.config.status;
    if (order.reference === null && placeholdersIn([t.path, t.body]).includes('reference')) {
      return { kind: 'unknown', reason: 'the status query needs the provider reference, which the provider has not given' };
    }
    const res = await this.call(t, values(order));
    if (!res.ok) return { kind: 'unknown', reason: res.reason };
    if (res.status === 404) return { kind: 'not_found' };
    if (res.status >= 200 && res.status < 300) return this.read(res.body, order.amount, 'status');
    return { kind: 'unknown', reason: `the provider answered ${res.status}` };
  }

  webhook(headers: Readonly<Record<string, string | undefined>>, rawBody: string): WebhookResult {
    const hook = this.config.webhook;
    const secret = this.secrets.webhook_secret;
    if (!hook || !secret) return { ok: false, reason: 'this route takes no webhooks' };
    if (rawBody.length > MAX_ANSWER_BYTES) return { ok: false, reason: 'the body is too large' };
    const header = headers[hook.signature_header.toLowerCase()] ?? headers[hook.signature_header];
    if (!header || !this.verify(hook.scheme, hook.tolerance_s ?? 300, secret, header, rawBody)) return { ok: false, reason: 'bad signature' };
    const body = parseJson(rawBody);
    const list = hook.events ? readPath(body, hook.events) : body;
    const items = Array.isArray(list) ? list : [list];
    if (body === undefined || items.length > MAX_WEBHOOK_EVENTS) return { ok: false, reason: 'the body is not a readable list of events' };
    return { ok: true, events: items.flatMap((item) => this.event(item, hook.payout_id)) };
  }

  private verify(scheme: 'hmac-sha256-hex' | 'timestamped', toleranceS: number, secret: string, header: string, rawBody: string): boolean {
    if (scheme === 'hmac-sha256-hex') return sameHex(header.replace(/^sha256=/, ''), hmacHex(secret, rawBody));
    const parts = header.split(',').map((p) => p.trim().split('='));
    const t = parts.find(([k]) => k === 't')?.[1];
    if (!t || !/^\d{1,12}$/.test(t) || Math.abs(this.now() / 1000 - Number(t)) > toleranceS) return false;
    const expected = hmacHex(secret, `${t}.${rawBody}`);
    return parts.some(([k, v]) => k === 'v1' && v !== undefined && sameHex(v, expected));
  }

  /** One webhook event; none when it names no payout or its status is not mapped (an informational event). */
  private event(item: unknown, payoutIdPath: string | undefined): WebhookEvent[] {
    const payoutId = payoutIdPath ? scalar(readPath(item, payoutIdPath)) : undefined;
    const answer = this.read(item, undefined, 'webhook');
    const reference = 'reference' in answer ? answer.reference : undefined;
    if (answer.kind === 'unknown' || answer.kind === 'not_found' || (payoutId === undefined && reference === undefined)) return [];
    return [{ ...(payoutId !== undefined ? { payoutId } : {}), ...(reference !== undefined ? { reference } : {}), answer }];
  }

  /** An answer's status, reference, code and processed amount, in the gateway's terms. */
  private read(body: unknown, amount: string | undefined, what: string): ProviderAnswer {
    const r = this.config.response;
    const providerStatus = scalar(readPath(body, r.status));
    const mapped = providerStatus === undefined ? undefined : Object.hasOwn(this.config.statuses, providerStatus) ? this.config.statuses[providerStatus] : undefined;
    if (!mapped) return { kind: 'unknown', reason: `the ${what} answer's status ${providerStatus === undefined ? 'is missing' : `'${providerStatus.slice(0, 100)}' is not mapped`}` };
    const reference = this.at(body, 'reference');
    const ref = reference === undefined ? {} : { reference };
    if (mapped === 'accepted' || mapped === 'reversed') return { kind: mapped, ...ref };
    if (mapped === 'failed') return { kind: 'failed', code: this.code(this.at(body, 'code')), ...ref };
    const processed = this.processed(body, amount);
    return { kind: 'succeeded', ...ref, ...(processed ? { processed } : {}) };
  }

  private at(body: unknown, field: 'reference' | 'code' | 'processed'): string | undefined {
    const p = this.config.response[field];
    return p ? scalar(readPath(body, p)) : undefined;
  }

  /**
   * The processed amount when the provider paid less than asked (a plain decimal, at least zero).
   * A webhook event does not say what was asked (`amount` undefined): its amount is passed on as given.
   */
  private processed(body: unknown, amount: string | undefined): string | undefined {
    const p = this.config.response.processed ? readPath(body, this.config.response.processed) : undefined;
    const paid = parseJsonDecimal(p);
    const asked = amount === undefined ? undefined : parseDecimal(amount);
    if (!paid || paid.n < 0n || (asked && cmp(paid, asked) >= 0) || (amount !== undefined && !asked)) return undefined;
    return typeof p === 'string' ? p : String(p);
  }

  private code(providerCode: string | undefined): string {
    const codes = this.config.codes ?? {};
    if (providerCode !== undefined && Object.hasOwn(codes, providerCode)) return codes[providerCode]!;
    return this.config.default_code ?? DEFAULT_CODE;
  }

  private async call(t: RequestTemplate, vals: Values): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (t.body !== undefined) headers['content-type'] = 'application/json';
    if (this.config.credentials_header && this.secrets.credentials) headers[this.config.credentials_header] = this.secrets.credentials;
    try {
      const res = await fetch(this.base + (fill(t.path, vals, encodeURIComponent) as string), {
        method: t.method,
        headers,
        ...(t.body !== undefined ? { body: JSON.stringify(fill(t.body, vals)) } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await readLimited(res);
      if (text === undefined) return { ok: false, reason: `the answer was over ${MAX_ANSWER_BYTES} bytes` };
      return { ok: true, status: res.status, body: parseJson(text) };
    } catch (e) {
      return { ok: false, reason: failureReason(e, this.timeoutMs) };
    }
  }
}

function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

/** Constant-time comparison of two hex digests. */
function sameHex(given: string, expected: string): boolean {
  const a = Buffer.from(given.toLowerCase(), 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
