// A payout provider to test against (`sluice provider-sim`): a real HTTP server that behaves as
// providers do behind the http connector. It pays each payout id once however often it is sent,
// answers late by signed webhook, repeats and reorders webhooks, leaves some sends unanswered and
// reverses some payouts, every choice drawn from a seeded PRNG. It reports what it paid, so tests
// can check that money was neither lost nor paid twice. The service never imports it.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mulberry32 } from '../../runtime/prng.js';
import { isCurrency, minorUnits } from '../../runtime/currencies.js';
import { add, isZero, parseDecimal, roundedText, ZERO, type Rat } from '../../runtime/rational.js';
import type { ConnectorPut } from './registry.js';

export interface SimulatorOptions {
  readonly seed?: number;
  /** Where final statuses are posted; without it no webhooks are sent. */
  readonly webhookUrl?: string;
  /** The webhook signing secret (`x-sim-signature: t=SECONDS,v1=hex(HMAC-SHA256(secret, "SECONDS.body"))`). */
  readonly secret?: string;
  /** When set, requests must carry `authorization: Bearer API_KEY`. */
  readonly apiKey?: string;
  /** Time from acceptance to the final status, drawn in [min, max] ms; [0, 0] answers sends at once. */
  readonly delayMs?: readonly [number, number];
  /** Shares (0..1) of payouts whose send goes unanswered, whose webhook comes twice, that are reversed, declined. */
  readonly timeoutShare?: number;
  readonly duplicateShare?: number;
  readonly reverseShare?: number;
  readonly declineShare?: number;
  /** How long an unanswered send's socket is held before a late answer (default 60 s; close ends it sooner). */
  readonly holdMs?: number;
  /** The most payouts it keeps (default 100,000); past that, sends answer 503. */
  readonly maxPayouts?: number;
}

export type SimStatus = 'processing' | 'paid' | 'declined' | 'reversed';

interface SimPayout {
  readonly id: string;
  readonly reference: string;
  readonly amount: string;
  readonly currency: string;
  readonly value: Rat;
  status: SimStatus;
  code?: string;
  sends: number;
}

/** How one new payout will go; drawn on its first send, always with the same number of draws. */
interface Plan {
  readonly unanswered: boolean;
  /** Unanswered and never recorded: the provider lost the request (its status is 404). */
  readonly lost: boolean;
  readonly decline: boolean;
  readonly reverse: boolean;
  readonly duplicate: boolean;
  readonly delayMs: number;
  /** How much later a duplicate webhook follows the first. */
  readonly duplicateAfterMs: number;
  readonly code: string;
}

export interface SimLedger {
  /** Per currency: what was paid and is still paid (reversed payouts not counted). */
  readonly paid: Readonly<Record<string, string>>;
  /** Per currency: what was paid and then came back. */
  readonly reversed: Readonly<Record<string, string>>;
  readonly payouts: Readonly<Record<string, { amount: string; currency: string; status: SimStatus; reversed: boolean; sends: number; code?: string }>>;
  readonly webhooks: { readonly delivered: number; readonly failed: number };
}

export interface ProviderSimulator {
  readonly url: string;
  ledger(): SimLedger;
  close(): Promise<void>;
}

export const SIM_DECLINE_CODES = ['insufficient_funds', 'account_closed', 'invalid_account', 'limit_exceeded'] as const;
export const SIM_SIGNATURE_HEADER = 'x-sim-signature';
const MAX_BODY = 64 * 1024;
const MAX_HELD = 1_000;
const WEBHOOK_ATTEMPTS = 5;

/** The PUT /v1/routes/{route}/connector body that points a route at a simulator at `url`. */
export function simulatorConnector(url: string, secrets: { apiKey?: string; secret?: string } = {}): ConnectorPut {
  return {
    kind: 'http',
    config: {
      base_url: url,
      ...(secrets.apiKey ? { credentials_header: 'authorization' } : {}),
      timeout_ms: 2_000,
      send: { method: 'POST', path: '/payouts', body: { id: '{{id}}', amount: '{{amount}}', currency: '{{currency}}', route: '{{route}}' } },
      status: { method: 'GET', path: '/payouts/{{id}}' },
      response: { status: 'status', reference: 'reference', code: 'code', processed: 'processed' },
      statuses: { processing: 'accepted', paid: 'succeeded', declined: 'failed', reversed: 'reversed' },
      codes: { insufficient_funds: 'provider_insufficient_funds', account_closed: 'account_closed', invalid_account: 'invalid_account', limit_exceeded: 'provider_limit' },
      default_code: 'provider_declined',
      ...(secrets.secret ? { webhook: { signature_header: SIM_SIGNATURE_HEADER, scheme: 'timestamped' as const, tolerance_s: 300, payout_id: 'id' } } : {}),
    },
    secrets: {
      ...(secrets.apiKey ? { credentials: `Bearer ${secrets.apiKey}` } : {}),
      ...(secrets.secret ? { webhook_secret: secrets.secret } : {}),
    },
  };
}

/** The signature header value for `body`, as the simulator sends it and the http connector's `timestamped` scheme checks it. */
export function simSignature(secret: string, body: string, seconds: number): string {
  return `t=${seconds},v1=${createHmac('sha256', secret).update(`${seconds}.${body}`).digest('hex')}`;
}

export async function startSimulator(options: SimulatorOptions = {}, port = 0, host = '127.0.0.1'): Promise<ProviderSimulator> {
  const sim = new Simulator(options);
  const server = createServer((req, res) => sim.handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return { url, ledger: () => sim.ledger(), close: () => sim.close(server) };
}

class Simulator {
  private readonly payouts = new Map<string, SimPayout>();
  private readonly random: () => number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly held = new Set<ServerResponse>();
  private readonly deliveries = new AbortController();
  private delivered = 0;
  private failed = 0;
  private closed = false;

  constructor(private readonly o: SimulatorOptions) {
    this.random = mulberry32(o.seed ?? 1);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    try {
      this.route(req, res);
    } catch {
      // A malformed URL or id escape: nothing a client sends may stop the simulator.
      answer(res, 400, { code: 'bad_request' });
    }
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://sim');
    // The ledger is the simulator's own report, open to tests and demos; the provider's API wants the key.
    if (req.method === 'GET' && url.pathname === '/sim/ledger') return answer(res, 200, this.ledger());
    if (this.o.apiKey && req.headers.authorization !== `Bearer ${this.o.apiKey}`) return answer(res, 401, { code: 'unauthorized' });
    const byId = /^\/payouts\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'POST' && url.pathname === '/payouts') return void readBody(req).then((body) => this.send(body, res));
    if (req.method === 'GET' && byId) return this.status(decodeURIComponent(byId[1]!), res);
    answer(res, 404, { code: 'no_such_endpoint' });
  }

  private status(id: string, res: ServerResponse): void {
    const p = this.payouts.get(id);
    if (!p) return answer(res, 404, { code: 'not_found' });
    answer(res, 200, view(p));
  }

  private send(body: unknown, res: ServerResponse): void {
    const order = readOrder(body);
    if (!order) return answer(res, 400, { code: 'bad_request' });
    const known = this.payouts.get(order.id);
    if (known) {
      known.sends++;
      // The same id is the same payout: answered as it stands, never paid again.
      if (known.amount !== order.amount || known.currency !== order.currency) return answer(res, 409, { code: 'id_reused' });
      return answer(res, 200, view(known));
    }
    if (this.payouts.size >= (this.o.maxPayouts ?? 100_000) || this.held.size >= MAX_HELD) return answer(res, 503, { code: 'busy' });
    const plan = this.plan();
    if (plan.lost) return this.hold(res, () => undefined);
    const p: SimPayout = { ...order, reference: `sim_${this.payouts.size + 1}`, status: 'processing', sends: 1 };
    this.payouts.set(p.id, p);
    if (plan.delayMs === 0) this.settle(p, plan);
    else this.later(plan.delayMs, () => this.settle(p, plan));
    if (plan.unanswered) return this.hold(res, () => p);
    answer(res, 200, view(p));
  }

  private plan(): Plan {
    const r = Array.from({ length: 8 }, () => this.random());
    const [min, max] = this.o.delayMs ?? [0, 0];
    const unanswered = r[0]! < (this.o.timeoutShare ?? 0);
    const decline = r[2]! < (this.o.declineShare ?? 0);
    return {
      unanswered,
      lost: unanswered && r[1]! < 0.5,
      decline,
      reverse: !decline && r[3]! < (this.o.reverseShare ?? 0),
      duplicate: r[4]! < (this.o.duplicateShare ?? 0),
      delayMs: Math.round(min + r[5]! * (max - min)),
      duplicateAfterMs: 20 + Math.round(r[6]! * (max + 50)),
      code: SIM_DECLINE_CODES[Math.floor(r[7]! * SIM_DECLINE_CODES.length)]!,
    };
  }

  /** The final status, then (for some) the reversal; each change is told by webhook. */
  private settle(p: SimPayout, plan: Plan): void {
    p.status = plan.decline ? 'declined' : 'paid';
    if (plan.decline) p.code = plan.code;
    this.notify(p, plan);
    if (!plan.reverse) return;
    this.later(Math.max(plan.delayMs, 10), () => {
      p.status = 'reversed';
      this.notify(p, plan);
    });
  }

  /** Posts the payout as it is now; a duplicate goes again later, possibly after a newer status (out of order). */
  private notify(p: SimPayout, plan: Plan): void {
    if (!this.o.webhookUrl) return;
    const body = JSON.stringify({ ...view(p), event: `${p.reference}.${p.status}` });
    void this.deliver(body);
    if (plan.duplicate) this.later(plan.duplicateAfterMs, () => void this.deliver(body));
  }

  private async deliver(body: string, attempt = 1): Promise<void> {
    if (this.closed) return;
    const ok = await this.post(body);
    if (ok) this.delivered++;
    else if (attempt < WEBHOOK_ATTEMPTS) this.later(50 * 2 ** attempt, () => void this.deliver(body, attempt + 1));
    else this.failed++;
  }

  private async post(body: string): Promise<boolean> {
    const headers = { 'content-type': 'application/json', [SIM_SIGNATURE_HEADER]: simSignature(this.o.secret ?? '', body, Math.floor(Date.now() / 1000)) };
    try {
      const signal = AbortSignal.any([this.deliveries.signal, AbortSignal.timeout(5_000)]);
      const res = await fetch(this.o.webhookUrl!, { method: 'POST', headers, body, signal });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok;
    } catch {
      return false;
    }
  }

  /** Holds a send's socket past the client's timeout, then answers it late (the payout as it then is, or 404 when lost). */
  private hold(res: ServerResponse, current: () => SimPayout | undefined): void {
    this.held.add(res);
    res.on('close', () => this.held.delete(res));
    this.later(this.o.holdMs ?? 60_000, () => {
      const p = current();
      if (!res.destroyed) answer(res, p ? 200 : 404, p ? view(p) : { code: 'not_found' });
    });
  }

  private later(ms: number, run: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  ledger(): SimLedger {
    const paid = new Map<string, Rat>();
    const reversed = new Map<string, Rat>();
    const payouts: Record<string, SimLedger['payouts'][string]> = {};
    for (const p of this.payouts.values()) {
      const into = p.status === 'paid' ? paid : p.status === 'reversed' ? reversed : undefined;
      into?.set(p.currency, add(into.get(p.currency) ?? ZERO, p.value));
      payouts[p.id] = { amount: p.amount, currency: p.currency, status: p.status, reversed: p.status === 'reversed', sends: p.sends, ...(p.code ? { code: p.code } : {}) };
    }
    return { paid: totals(paid), reversed: totals(reversed), payouts, webhooks: { delivered: this.delivered, failed: this.failed } };
  }

  async close(server: Server): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.deliveries.abort();
    for (const res of this.held) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function totals(sums: Map<string, Rat>): Record<string, string> {
  return Object.fromEntries([...sums].filter(([, r]) => !isZero(r)).map(([currency, r]) => [currency, roundedText(r, minorUnits(currency))]));
}

const view = (p: SimPayout) => ({ id: p.id, reference: p.reference, status: p.status, amount: p.amount, currency: p.currency, ...(p.code ? { code: p.code } : {}) });

function readOrder(body: unknown): { id: string; amount: string; currency: string; value: Rat } | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const { id, amount, currency } = body as Record<string, unknown>;
  if (typeof id !== 'string' || !id || id.length > 200 || typeof amount !== 'string' || typeof currency !== 'string') return undefined;
  const value = isCurrency(currency) ? parseDecimal(amount) : undefined;
  return value && value.n > 0n ? { id, amount, currency, value } : undefined;
}

/** The JSON body, at most MAX_BODY bytes; undefined when it is not JSON or too large. */
function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('error', () => resolve(undefined));
    req.on('end', () => {
      try {
        resolve(size > MAX_BODY ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(undefined);
      }
    });
  });
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
