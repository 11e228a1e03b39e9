// The tables, as kysely sees them. Amounts are `numeric` in SQL and strings in JS: exact, never floats.
import type { ColumnType, Generated } from 'kysely';
import type { PayoutStatus } from '../../runtime/payout-status.js';
import type { Role } from '../roles.js';

export type Mode = 'test' | 'live';
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface ApiKeyTable {
  id: string;
  name: string;
  mode: Mode;
  hash: string;
  created_at: Timestamp;
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** author, approver or operator; null: every right in its mode. */
  role: ColumnType<Role | null, Role | null | undefined, Role | null>;
  last_used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface SchemeTable {
  mode: Mode;
  name: string;
  active_version: number | null;
  created_at: Timestamp;
}

export interface SchemeVersionTable {
  mode: Mode;
  name: string;
  version: number;
  source: string;
  hash: string;
  message: string | null;
  created_by_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_by_name: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
}

export interface RouteTable {
  mode: Mode;
  route: string;
  balance: string | null;
  currency: string | null;
  enabled: boolean;
  test_outcome: string;
  /** The UTC day and month `daily_used` and `monthly_used` count for. */
  used_day: string;
  daily_used: string;
  used_month: string;
  monthly_used: string;
}

export interface RateTable {
  mode: Mode;
  rate_scheme: string;
  rates: Json<Record<string, string>>;
}

export interface P2PPaymentTable {
  mode: Mode;
  route: string;
  id: string;
  amount: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface VolumeTable {
  mode: Mode;
  scheme: string;
  strategy_key: string;
  route: string;
  volume: string;
}

export interface PayoutPointTable {
  mode: Mode;
  id: string;
  currencies: Json<string[]>;
  scheme: string;
}

export interface PayoutRequestTable {
  id: string;
  mode: Mode;
  idempotency_key: string | null;
  /** sha256 of the canonical request body; null for requests stored before it was kept. */
  request_hash: string | null;
  status: string;
  resolution: string | null;
  block: string | null;
  point_id: string;
  service: string;
  scheme: string;
  version: number | null;
  attributes: Json<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Bumped by each runner that takes the request: a write under an older fence is refused. */
  fence: Generated<number>;
  lease_owner: string | null;
  /** The runner's lease ends then; recovery takes only requests whose lease ended. */
  lease_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface PayoutTable {
  id: string;
  mode: Mode;
  /** Null for a payout made by the payout operation, without a request. */
  payout_request_id: string | null;
  attempt: number;
  route: string;
  amount: string;
  currency: string;
  fee: string;
  request_amount: string;
  p2p: Json<{ id: string; amount: string }[]>;
  /** The UTC day its reservation charged the caps for. */
  reserved_day: string;
  /** The strategy that chose it, whose volume it adds to. */
  strategy_key: string;
  /** runtime/payout-status.ts's PayoutStatus. */
  status: PayoutStatus;
  error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** The provider's reference, once it gave one. */
  reference: string | null;
  sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** When its status is next asked for (sent, pending and unknown payouts). */
  next_check_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Status queries made so far: the backoff grows with them. */
  checks: Generated<number>;
  /** The payout operation's: its Idempotency-Key, the body's hash, and the payout point named. */
  idempotency_key: string | null;
  request_hash: string | null;
  point_id: string | null;
  /** The scheme version whose route line prices it (a partial payment's fee). */
  scheme: string | null;
  version: number | null;
}

export interface EventTable {
  id: Generated<number>;
  /** The request the event belongs to, or null for a payout made without one. */
  payout_request_id: string | null;
  payout_id: string | null;
  type: string;
  data: Json<Record<string, unknown>>;
  created_at: Timestamp;
}

/** A route's configured connector; `secrets` are never returned by the API nor logged. */
export interface RouteConnectorTable {
  mode: Mode;
  route: string;
  kind: string;
  config: Json<Record<string, unknown>>;
  secrets: Json<Record<string, string>>;
  updated_at: Timestamp;
}

export interface WebhookEndpointTable {
  id: string;
  mode: Mode;
  url: string;
  /** Kept as issued (it signs every delivery), never shown after creation; wiped on delete. */
  secret: string;
  created_at: Timestamp;
  deleted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface WebhookEventTable {
  id: string;
  mode: Mode;
  type: string;
  /** The JSON body exactly as every attempt sends and signs it. */
  body: string;
  created_at: Timestamp;
}

type MaybeTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface WebhookDeliveryTable {
  id: string;
  endpoint_id: string;
  event_id: string;
  /** pending (due at next_attempt_at), delivered, failed (gave up) or cancelled (endpoint deleted). */
  status: 'pending' | 'delivered' | 'failed' | 'cancelled';
  attempts: Generated<number>;
  next_attempt_at: MaybeTime;
  /** Retries go on until this plus the give-up window: the creation, or the last resend. */
  retry_since: Timestamp;
  /** The token of the worker sending it now; its result is written only while it still holds it. */
  claim: ColumnType<string | null, string | null | undefined, string | null>;
  delivered_at: MaybeTime;
  created_at: Timestamp;
}

export interface WebhookAttemptTable {
  id: Generated<number>;
  delivery_id: string;
  at: Timestamp;
  status_code: number | null;
  error: string | null;
  /** The start of the receiver's answer, bounded. */
  response: string | null;
  duration_ms: number;
}

export interface ModeSettingsTable {
  mode: Mode;
  require_approval: boolean;
}

export type ActivationStatus = 'pending' | 'approved' | 'rejected';

export interface ActivationRequestTable {
  id: string;
  mode: Mode;
  scheme: string;
  version: number;
  /** The version active when it was asked for: approving it after another activation is refused (stale). */
  from_version: number | null;
  /** Asked by a rollback: back to the version active before. */
  rollback: ColumnType<boolean, boolean | undefined, boolean>;
  status: ActivationStatus;
  message: string | null;
  requested_by_id: string;
  requested_by_name: string;
  created_at: Timestamp;
  decided_by_id: ColumnType<string | null, string | null | undefined, string | null>;
  decided_by_name: ColumnType<string | null, string | null | undefined, string | null>;
  decided_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  decision_message: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AuditTable {
  /** bigserial: read back as a string; the order of the trail and its cursor. */
  id: Generated<string>;
  at: Generated<Date>;
  mode: Mode | null;
  action: string;
  scheme: string | null;
  version: number | null;
  route: string | null;
  /** null: the admin key or the service itself (key_name says which). */
  key_id: string | null;
  key_name: string;
  key_role: string | null;
  message: string | null;
  detail: ColumnType<unknown, string | null, string | null>;
}

export interface Database {
  api_keys: ApiKeyTable;
  schemes: SchemeTable;
  scheme_versions: SchemeVersionTable;
  routes: RouteTable;
  rates: RateTable;
  p2p_payments: P2PPaymentTable;
  volumes: VolumeTable;
  payout_points: PayoutPointTable;
  payout_requests: PayoutRequestTable;
  payouts: PayoutTable;
  events: EventTable;
  route_connectors: RouteConnectorTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_events: WebhookEventTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
  mode_settings: ModeSettingsTable;
  activation_requests: ActivationRequestTable;
  audit: AuditTable;
}
