// What every HTTP request leaves behind: a request id (the caller's `X-Request-Id` when it is
// sane, else one made here; returned in the answer's `X-Request-Id`), the W3C `traceparent` when
// valid, one JSON log line and the HTTP metrics, both named by the route's pattern. Headers other
// than those two and bodies are never read here, so no key, credential or body reaches a log.
import { randomBytes } from 'node:crypto';
import { ServerResponse, type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders, type RequestListener } from 'node:http';
import type { Metrics } from './metrics.js';
import type { RequestLine } from './telemetry.js';

export interface RequestInfo {
  readonly id: string;
  readonly traceparent?: string;
}

const INFO = Symbol('request info');
const ENDPOINT = Symbol('route pattern');
type Seen = IncomingMessage & { [INFO]?: RequestInfo; [ENDPOINT]?: string };

/** The route pattern of a request, as the edge matched it: the log line, metrics and span need not match it again. */
export function noteEndpoint(incoming: IncomingMessage, endpoint: string): void {
  (incoming as Seen)[ENDPOINT] = endpoint;
}

/** A request's route pattern: as noted, else matched by `match` (method, path without query) and noted, so a request is matched once. */
export function endpointOf(incoming: IncomingMessage, match: (method: string, path: string) => string): string {
  const seen = incoming as Seen;
  return (seen[ENDPOINT] ??= match(incoming.method ?? 'GET', (incoming.url ?? '/').split('?', 1)[0]!));
}

/** The id and traceparent of a request the service saw (absent under `app.request` in tests). */
export const requestInfo = (incoming: IncomingMessage | undefined): RequestInfo | undefined => (incoming as Seen | undefined)?.[INFO];

/** Visible ASCII, at most 128 characters: anything else is replaced by an id of our own. */
const SANE_ID = /^[\x21-\x7e]{1,128}$/;

/** A random prefix per process and a counter: unique across instances, and cheaper than a UUID. */
const BOOT = randomBytes(6).toString('hex');
let counter = 0;

export function requestId(given: string | string[] | undefined): string {
  return typeof given === 'string' && SANE_ID.test(given) ? given : `${BOOT}-${(++counter).toString(36)}`;
}

/** version-traceid-parentid-flags, lower-case hex; version ff, an all-zero trace or parent id are invalid. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-[^\s]*)?$/;

/** The header when it is a valid W3C traceparent (version 00 has exactly four fields), else undefined. */
export function validTraceparent(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string' || header.length > 512) return undefined;
  const m = TRACEPARENT.exec(header);
  if (!m || m[1] === 'ff' || /^0+$/.test(m[2]!) || /^0+$/.test(m[3]!) || (m[1] === '00' && m[5] !== undefined)) return undefined;
  return header;
}

/** The most of a path a log line keeps. */
const PATH_LOGGED = 256;

export interface RequestObserver {
  readonly request: (line: RequestLine) => void;
  readonly metrics: Metrics;
  /** The route pattern a request matched (`/v1/schemes/:name/decide`), never the raw path. */
  endpointOf(incoming: IncomingMessage): string;
}

/** Tags each request with its id, answers it in `X-Request-Id`, and logs and counts it when its answer ends. */
export function observeRequests(listener: RequestListener, o: RequestObserver): RequestListener {
  const { request, metrics } = o;
  return (incoming: Seen, outgoing) => {
    const started = performance.now();
    const traceparent = validTraceparent(incoming.headers.traceparent);
    const info: RequestInfo = traceparent ? { id: requestId(incoming.headers['x-request-id']), traceparent } : { id: requestId(incoming.headers['x-request-id']) };
    incoming[INFO] = info;
    if (outgoing instanceof IdentifiedResponse) outgoing.requestId = info.id;
    else outgoing.setHeader('x-request-id', info.id);
    // `on`, not `once` (which wraps each listener): an answer closes once.
    outgoing.on('close', () => answered(incoming, outgoing, info, performance.now() - started));
    listener(incoming, outgoing);
  };

  function answered(incoming: Seen, outgoing: ServerResponse, info: RequestInfo, ms: number): void {
    const method = incoming.method ?? 'GET';
    const path = (incoming.url ?? '/').split('?', 1)[0]!;
    const endpoint = o.endpointOf(incoming);
    // A client that went away before the answer ended: logged, counted as 499 as nginx does.
    const status = outgoing.writableFinished ? outgoing.statusCode : 499;
    metrics.http(method, endpoint, status, ms / 1000);
    request({
      reqId: info.id,
      traceparent: info.traceparent,
      method,
      endpoint,
      path: path.length > PATH_LOGGED ? path.slice(0, PATH_LOGGED) : path,
      status,
      ms,
      client: incoming.socket?.remoteAddress,
      time: Date.now(),
    });
  }
}

type Headers = OutgoingHttpHeaders | OutgoingHttpHeader[];

/**
 * A response that answers with its request's id in `X-Request-Id`, added as its head is
 * written: set before with setHeader, it would send Node's writeHead down its slow path, which
 * sets every header of the answer one by one (a tenth of a bare answer's time).
 */
export class IdentifiedResponse extends ServerResponse {
  requestId: string | undefined;

  override writeHead(status: number, reason?: string | Headers, headers?: Headers): this {
    const id = this.requestId;
    if (id === undefined) return typeof reason === 'string' ? super.writeHead(status, reason, headers) : super.writeHead(status, reason);
    return typeof reason === 'string' ? super.writeHead(status, reason, withId(headers, id)) : super.writeHead(status, withId(reason, id));
  }
}

/** The headers and the id, in writeHead's flat list form (name, value, name, value…), which Node writes as they come. */
function withId(headers: Headers | undefined, id: string): Headers {
  if (headers === undefined) return ['x-request-id', id];
  // A list of [name, value] pairs takes the id as a pair; a flat list as two more items.
  if (Array.isArray(headers)) return Array.isArray(headers[0]) ? [...headers, ['x-request-id', id]] : [...headers, 'x-request-id', id];
  const flat: OutgoingHttpHeader[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) flat.push(name, value);
  }
  flat.push('x-request-id', id);
  return flat;
}
