// OpenTelemetry spans, exported over OTLP/HTTP when an endpoint is configured: one server span per
// HTTP request (the caller's `traceparent` its parent), and under it the decisions, database
// queries and provider calls the request made. Without an endpoint nothing here runs: the SDK is
// not even loaded, and the service's hooks are skipped (`enabled` false).
import type { IncomingMessage, RequestListener } from 'node:http';
import type { Context, Tracer } from '@opentelemetry/api';

export type Attributes = Record<string, string | number | boolean | null | undefined>;

export interface Tracing {
  readonly enabled: boolean;
  /** Runs each request inside a server span named by its route pattern, ended when its answer ends. */
  listener(next: RequestListener, endpointOf: (incoming: IncomingMessage) => string): RequestListener;
  /** A span already over: it began at `started` (performance.now()) and ends now, under the current span. */
  record(name: string, started: number, attributes: Attributes): void;
  /** Sends the spans held and stops. */
  close(): Promise<void>;
}

const nothing = (): void => {};

export const NO_TRACING: Tracing = { enabled: false, listener: (next) => next, record: nothing, close: () => Promise.resolve() };

/** Spans held for export at most; past that the SDK drops them. */
const QUEUE = 2_048;

/** Starts exporting spans to an OTLP/HTTP endpoint (`http://collector:4318`; traces go to its /v1/traces). */
export async function startTracing(endpoint: string, flushMs = 5_000): Promise<Tracing> {
  const api = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const { BatchSpanProcessor, TracerProvider } = await import('@opentelemetry/sdk-trace');

  const contexts = new AsyncLocalStorageContextManager().enable();
  api.context.setGlobalContextManager(contexts);
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` });
  const processor = new BatchSpanProcessor({ exporter, maxQueueSize: QUEUE, scheduledDelayMillis: flushMs });
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'sluice' }), spanProcessors: [processor] });
  const tracer: Tracer = provider.getTracer('sluice');
  const propagator = new W3CTraceContextPropagator();
  const getter = { get: (h: IncomingMessage['headers'], k: string) => h[k], keys: (h: IncomingMessage['headers']) => Object.keys(h) };

  return {
    enabled: true,
    listener: (next, endpointOf) => (incoming, outgoing) => {
      const parent: Context = propagator.extract(api.ROOT_CONTEXT, incoming.headers, getter);
      const method = incoming.method ?? 'GET';
      const route = endpointOf(incoming);
      const span = tracer.startSpan(`${method} ${route}`, { kind: api.SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': route } }, parent);
      outgoing.on('close', () => {
        span.setAttribute('http.response.status_code', outgoing.writableFinished ? outgoing.statusCode : 499);
        if (outgoing.statusCode >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
        span.end();
      });
      api.context.with(api.trace.setSpan(parent, span), () => next(incoming, outgoing));
    },
    record: (name, started, attributes) => {
      tracer.startSpan(name, { startTime: performance.timeOrigin + started, attributes: defined(attributes) }, api.context.active()).end();
    },
    close: async () => {
      await provider.shutdown();
      contexts.disable();
      api.context.disable();
    },
  };
}

function defined(attributes: Attributes): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const k in attributes) if (attributes[k] !== undefined && attributes[k] !== null) out[k] = attributes[k]!;
  return out;
}
