// `sluice provider-sim` as a real process: it prints where it listens and the connector that
// points at it, serves the provider API with that connector's credentials, and stops on SIGTERM.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HttpConnector } from '../server/connectors/http.js';
import type { ConnectorPut } from '../server/connectors/registry.js';

describe('sluice provider-sim', () => {
  it('prints a connector that pays through it, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/sluice.mjs', 'provider-sim', '--port', '0', '--seed', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // Its banner ends with the connector's JSON.
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => /\n}\n$/.test(out) && resolve());
      child.once('exit', (code) => reject(new Error(`provider-sim exited with ${code}: ${out}`)));
    });
    const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
    const put = JSON.parse(out.slice(out.indexOf('{'))) as ConnectorPut;
    expect(put.config.base_url).toBe(url);
    const connector = new HttpConnector(put.config, { credentials: put.secrets!.credentials!, webhook_secret: put.secrets!.webhook_secret! });
    const order = { id: 'po_cli', mode: 'test' as const, route: 'sim_eur', amount: '12.34', currency: 'EUR', reference: null, sentAt: null };
    expect(await connector.send(order)).toEqual({ kind: 'succeeded', reference: 'sim_1' });
    const ledger = (await (await fetch(`${url}/sim/ledger`)).json()) as { paid: Record<string, string> };
    expect(ledger.paid).toEqual({ EUR: '12.34' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
