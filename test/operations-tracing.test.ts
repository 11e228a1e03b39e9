// OpenTelemetry spans over OTLP/HTTP to a collector on 127.0.0.1: the request's server span takes
// the caller's traceparent as its parent, and the decision, database queries and provider call it
// made are its children.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { startService } from '../server/start.js';
import { ADMIN, keyed } from './support/service.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';
const SCHEME = 'scheme traced\nmode test\nroute a_eur EUR fee 1.00\n\nservice s {\n  cost a_eur\n}\n';

interface Span {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly attributes: { key: string; value: Record<string, unknown> }[];
}

describe('spans exported to an OTLP collector', () => {
  const bodies: { resourceSpans: { resource: { attributes: Span['attributes'] }; scopeSpans: { spans: Span[] }[] }[] }[] = [];
  const collector = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces' && req.headers['content-type']?.startsWith('application/json')) bodies.push(JSON.parse(text));
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  afterAll(() => collector.close());

  it('names a request by its route, under the caller’s traceparent, with its decision, queries and provider call under it', async () => {
    collector.listen(0, '127.0.0.1');
    await once(collector, 'listening');
    const otlpEndpoint = `http://127.0.0.1:${(collector.address() as { port: number }).port}`;
    const service = await startService({ adminKey: ADMIN, seedExamples: false, quiet: true, port: 0, telemetry: { otlpEndpoint, otlpFlushMs: 100 } });
    const api = await keyed(service, 'test');
    await api.post('/v1/schemes/traced/versions', { source: SCHEME });
    await api.post('/v1/schemes/traced/activate', { version: 1 });
    await api.post('/v1/payout-points', { id: 'pop', currencies: ['EUR'], scheme: 'traced' });
    await api.put('/v1/routes/a_eur', { balance: '100.00' });
    const headers = { authorization: `Bearer ${api.key}` };
    const decided = await fetch(`${service.url}/v1/schemes/traced/decide`, {
      method: 'POST',
      headers: { ...headers, traceparent: `00-${TRACE}-${PARENT}-01` },
      body: JSON.stringify({ request: { amount: '10.00', currency: 'EUR', service: 's' } }),
    });
    const decisionId = ((await decided.json()) as { decision_id: string }).decision_id;
    const paid = await fetch(`${service.url}/v1/payout-gateway/payout-requests`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ data: { type: 'payout-request', attributes: { point_amount: '10.00', point_id: 'pop', point_currency: 'EUR', service: 's' } } }),
    });
    expect(paid.status).toBe(201);
    await service.close();

    const resources = bodies.flatMap((b) => b.resourceSpans);
    expect(resources[0]!.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'sluice' } });
    const spans = resources.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    const attr = (s: Span, key: string) => Object.values(s.attributes.find((a) => a.key === key)?.value ?? {})[0];

    const request = spans.find((s) => s.name === 'POST /v1/schemes/:name/decide')!;
    expect(request).toMatchObject({ traceId: TRACE, parentSpanId: PARENT });
    expect(attr(request, 'http.response.status_code')).toBe(200);
    const decide = spans.find((s) => s.name === 'decide' && attr(s, 'sluice.decision_id') === decisionId)!;
    expect(decide).toMatchObject({ traceId: TRACE, parentSpanId: request.spanId });
    expect(attr(decide, 'sluice.scheme')).toBe('traced');

    const payout = spans.find((s) => s.name === 'POST /v1/payout-gateway/payout-requests')!;
    expect(payout.traceId).not.toBe(TRACE);
    const children = spans.filter((s) => s.traceId === payout.traceId && s.parentSpanId === payout.spanId);
    expect(new Set(children.map((s) => s.name))).toEqual(new Set(['db.query', 'decide', 'provider send']));
    // Statements as kysely compiled them, their values apart as parameters: no amount or key in them.
    const statements = children.filter((s) => s.name === 'db.query').map((s) => String(attr(s, 'db.statement')));
    expect(statements.some((q) => /^insert into "payout_requests"/.test(q))).toBe(true);
    expect(statements.filter((q) => q.includes('10.00') || q.includes(api.key))).toEqual([]);
  });
});
