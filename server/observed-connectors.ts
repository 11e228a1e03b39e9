// Provider calls as operators see them: each send and status query counted and timed by route
// (sluice_provider_*), and logged as a payout step with its answer's kind. Wraps the connector
// source, so the payout code calls connectors as before.
import type { Connector, PayoutOrder, ProviderAnswer } from './connectors/connector.js';
import type { ConnectorSource } from './payouts.js';
import type { Telemetry } from './telemetry.js';

function observed(connector: Connector, telemetry: Telemetry): Connector {
  const call = async (operation: 'send' | 'status', order: PayoutOrder): Promise<ProviderAnswer> => {
    const started = performance.now();
    let answer = 'error';
    try {
      const a = await connector[operation](order);
      answer = a.kind;
      return a;
    } finally {
      const ms = performance.now() - started;
      telemetry.metrics.provider(order.mode, order.route, operation, answer, ms / 1000);
      if (telemetry.tracing.enabled) telemetry.tracing.record(`provider ${operation}`, started, { 'sluice.route': order.route, 'sluice.answer': answer });
      telemetry.step(null, `provider_${operation}`, { payout: order.id, route: order.route, answer, ms: Math.round(ms) });
    }
  };
  return { kind: connector.kind, send: (order) => call('send', order), status: (order) => call('status', order), webhook: (h, body) => connector.webhook(h, body) };
}

export function observedConnectors(source: ConnectorSource, telemetry: Telemetry): ConnectorSource {
  return {
    forRoute: async (mode, route) => observed(await source.forRoute(mode, route), telemetry),
    forWebhook: (route) => source.forWebhook(route),
  };
}
