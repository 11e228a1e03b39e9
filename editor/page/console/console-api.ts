// The console's calls to the service: payout requests (list, one with its events), route
// state and connectors, rate tables, payout points, and webhook endpoints with their
// deliveries. Same origin, same API key as the editor (api.ts).
import { listQuery, type EventLike, type RequestFilters } from '../../console-model/requests-model.js';
import type { ConnectorView } from '../../console-model/routes-model.js';
import { ApiError, request } from '../api.js';

export interface Payout {
  readonly id: string;
  readonly attempt: number;
  readonly route: string;
  readonly amount: string;
  readonly currency: string;
  readonly fee: string;
  readonly request_amount: string;
  readonly p2p: unknown;
  readonly status: string;
  readonly error: string | null;
  /** The provider's reference, once it gave one. */
  readonly reference?: string | null;
}

export interface PayoutRequestAttributes {
  readonly status: string;
  readonly resolution: string | null;
  readonly block: string | null;
  readonly point_id: string;
  readonly point_amount: string;
  readonly point_currency: string;
  readonly service: string;
  readonly fields?: unknown;
  readonly scheme: string | null;
  readonly version: number | null;
  readonly created_at: string;
  readonly updated_at: string;
  /** What its succeeded payouts paid of it. */
  readonly processed_amount?: string;
  readonly payouts: readonly Payout[];
  readonly events?: readonly EventLike[];
}

export interface PayoutRequest {
  readonly type: string;
  readonly id: string;
  readonly attributes: PayoutRequestAttributes;
}

export interface RequestPage {
  readonly data: readonly PayoutRequest[];
  readonly next: string | null;
}

export interface RouteState {
  readonly route: string;
  readonly balance: string | null;
  readonly currency: string | null;
  readonly enabled: boolean;
  readonly test_outcome: string;
  readonly daily_used: string;
  readonly monthly_used: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const enc = encodeURIComponent;

function resourceOf(v: unknown): PayoutRequest | undefined {
  if (!isObject(v) || typeof v['id'] !== 'string' || !isObject(v['attributes'])) return undefined;
  const a = v['attributes'];
  return { type: String(v['type'] ?? 'payout-request'), id: v['id'], attributes: { ...a, payouts: Array.isArray(a['payouts']) ? a['payouts'] : [] } as unknown as PayoutRequestAttributes };
}

export async function listRequests(f: RequestFilters): Promise<RequestPage> {
  const { json } = await request('GET', `/v1/payout-gateway/payout-requests${listQuery(f)}`);
  const o = isObject(json) ? json : {};
  const data = (Array.isArray(o['data']) ? o['data'] : []).map(resourceOf).filter((r): r is PayoutRequest => r !== undefined);
  const meta = isObject(o['meta']) ? o['meta'] : {};
  return { data, next: typeof meta['next_cursor'] === 'string' ? meta['next_cursor'] : null };
}

export async function getRequest(id: string): Promise<PayoutRequest> {
  const { json } = await request('GET', `/v1/payout-gateway/payout-requests/${enc(id)}`);
  const r = resourceOf(isObject(json) ? json['data'] : undefined);
  if (!r) throw new ApiError(`Payout request ${id} came back in a shape this page does not know.`, 200);
  return r;
}

/** The stored state of a route; null when the service has none yet (404). */
export function getRoute(route: string): Promise<RouteState | null> {
  return found<RouteState>(`/v1/routes/${enc(route)}`);
}

/** The route's connector in the key's mode: configured, or the mode's default (`test`, `none`). */
export async function getConnector(route: string): Promise<ConnectorView> {
  return (await request('GET', `/v1/routes/${enc(route)}/connector`)).json as ConnectorView;
}

export interface RoutePatch {
  readonly balance?: string | null;
  readonly currency?: string;
  readonly enabled?: boolean;
  readonly test_outcome?: string;
}

function refused(status: number, json: unknown): ApiError {
  const o = isObject(json) ? json : {};
  const errors = Array.isArray(o['errors']) ? o['errors'].filter(isObject).map((e) => `${String(e['path'] ?? '')} ${String(e['message'] ?? '')}`.trim()) : [];
  const detail = typeof o['detail'] === 'string' ? o['detail'] : 'the service refused it';
  return new ApiError(`${detail}${errors.length ? ` (${errors.join('; ')})` : ''}`, status);
}

export async function putRoute(route: string, patch: RoutePatch): Promise<RouteState> {
  const { status, json } = await request('PUT', `/v1/routes/${enc(route)}`, patch);
  if (status === 422) throw refused(status, json);
  return json as RouteState;
}

/** A found-or-not read: the JSON, or null on 404. */
async function found<T>(path: string): Promise<T | null> {
  try {
    return (await request('GET', path)).json as T;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** The stored rate table, or null when none was stored under that name. */
export async function getRates(name: string): Promise<Record<string, string> | null> {
  return (await found<{ rates: Record<string, string> }>(`/v1/rates/${enc(name)}`))?.rates ?? null;
}

export interface PayoutPoint {
  readonly id: string;
  readonly currencies: readonly string[];
  readonly scheme: string;
}

export async function listPayoutPoints(): Promise<PayoutPoint[]> {
  return ((await request('GET', '/v1/payout-points')).json as { data: PayoutPoint[] }).data;
}

export async function putRates(name: string, rates: Record<string, string>): Promise<void> {
  const { status, json } = await request('PUT', `/v1/rates/${enc(name)}`, rates);
  if (status === 422) throw refused(status, json);
}

export async function createPayoutPoint(p: { id: string; currencies: string[]; scheme: string }): Promise<void> {
  const { status, json } = await request('POST', '/v1/payout-points', p);
  if (status === 422) throw refused(status, json);
}

export interface WebhookEndpoint {
  readonly id: string;
  readonly url: string;
  readonly created_at: string;
}

export interface WebhookAttempt {
  readonly at: string;
  readonly status_code: number | null;
  readonly error: string | null;
  readonly response: string | null;
  readonly duration_ms: number;
}

export interface WebhookDelivery {
  readonly id: string;
  readonly event: { readonly id: string; readonly type: string; readonly created_at: string };
  readonly status: string;
  readonly attempts: number;
  readonly last_attempt: WebhookAttempt | null;
  readonly next_attempt_at: string | null;
  readonly delivered_at: string | null;
  readonly created_at: string;
}

export async function listWebhookEndpoints(): Promise<WebhookEndpoint[]> {
  return ((await request('GET', '/v1/webhook-endpoints')).json as { data: WebhookEndpoint[] }).data;
}

/** The new endpoint with its signing secret: the only time the service shows it. */
export async function createWebhookEndpoint(url: string): Promise<WebhookEndpoint & { secret: string }> {
  const { status, json } = await request('POST', '/v1/webhook-endpoints', { url });
  if (status === 422) throw refused(status, json);
  return json as WebhookEndpoint & { secret: string };
}

export async function deleteWebhookEndpoint(id: string): Promise<void> {
  await request('DELETE', `/v1/webhook-endpoints/${enc(id)}`);
}

export async function listWebhookDeliveries(endpoint: string): Promise<WebhookDelivery[]> {
  return ((await request('GET', `/v1/webhook-endpoints/${enc(endpoint)}/deliveries?limit=50`)).json as { data: WebhookDelivery[] }).data;
}

export async function resendWebhookDelivery(endpoint: string, delivery: string): Promise<WebhookDelivery> {
  return (await request('POST', `/v1/webhook-endpoints/${enc(endpoint)}/deliveries/${enc(delivery)}/resend`)).json as WebhookDelivery;
}
