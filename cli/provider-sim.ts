// `sluice provider-sim`: a payout provider to point an http connector at (docs/payouts.md). It
// prints the PUT /v1/routes/{route}/connector body that does so, then serves until interrupted;
// with --print-connector it prints that body alone, on one line, and exits.
import { simulatorConnector, startSimulator, type SimulatorOptions } from '../server/connectors/simulator.js';
import { parseArgs } from './args.js';
import { EXIT, type Output } from './io.js';

export const PROVIDER_SIM_USAGE = 'sluice provider-sim [--port N] [--webhook-url URL] [OPTIONS]';

const FULL_USAGE =
  'sluice provider-sim [--port N] [--seed S] [--webhook-url URL] [--secret S] [--api-key K] [--delay-ms N|MIN-MAX] [--print-connector]\n' +
  '                    [--timeout-share P] [--duplicate-share P] [--reverse-share P] [--decline-share P] [--hold-ms N]';

const SHARES = ['timeout-share', 'duplicate-share', 'reverse-share', 'decline-share'] as const;
const OPTIONS = ['port', 'seed', 'webhook-url', 'secret', 'api-key', 'delay-ms', 'hold-ms', ...SHARES];

type Parsed = { ok: true; port: number; printOnly: boolean; options: SimulatorOptions } | { ok: false; message: string };

const whole = (text: string, max: number): number | undefined => (/^\d{1,10}$/.test(text) && Number(text) <= max ? Number(text) : undefined);

function shareOf(text: string | undefined): number | undefined {
  if (text === undefined) return 0;
  const p = /^(0(\.\d+)?|1(\.0+)?)$/.test(text) ? Number(text) : NaN;
  return Number.isNaN(p) ? undefined : p;
}

function delayOf(text: string): [number, number] | undefined {
  const [a, b = a] = text.split('-');
  const min = whole(a ?? '', 3_600_000);
  const max = whole(b ?? '', 3_600_000);
  return min !== undefined && max !== undefined && min <= max ? [min, max] : undefined;
}

function parse(argv: readonly string[]): Parsed {
  const parsed = parseArgs(argv, ['print-connector'], OPTIONS);
  if (!parsed.ok) return parsed;
  const { options: o, positional, flags } = parsed.args;
  if (positional.length) return { ok: false, message: `unexpected argument '${positional[0]}'` };
  const port = whole(o.get('port') ?? '4010', 65_535);
  const seed = whole(o.get('seed') ?? '1', 4_294_967_295);
  const delayMs = delayOf(o.get('delay-ms') ?? '0');
  const holdMs = whole(o.get('hold-ms') ?? '60000', 3_600_000);
  const shares = SHARES.map((name) => shareOf(o.get(name)));
  const webhookUrl = o.get('webhook-url');
  if (port === undefined) return { ok: false, message: `bad port '${o.get('port')}'` };
  if (seed === undefined) return { ok: false, message: `bad seed '${o.get('seed')}' (a whole number below 2^32)` };
  if (!delayMs || holdMs === undefined) return { ok: false, message: '--delay-ms takes N or MIN-MAX and --hold-ms N (milliseconds, at most an hour)' };
  const bad = SHARES.find((_, i) => shares[i] === undefined);
  if (bad) return { ok: false, message: `--${bad} takes a share between 0 and 1, not '${o.get(bad)}'` };
  if (webhookUrl !== undefined && !/^https?:\/\//.test(webhookUrl)) return { ok: false, message: `--webhook-url must be an http(s) URL` };
  const [timeoutShare, duplicateShare, reverseShare, declineShare] = shares as number[];
  return {
    ok: true,
    port,
    printOnly: flags.has('print-connector'),
    options: {
      seed,
      delayMs,
      holdMs,
      secret: o.get('secret') ?? 'whsec_sim_demo',
      apiKey: o.get('api-key') ?? 'sk_sim_demo',
      ...(webhookUrl ? { webhookUrl } : {}),
      timeoutShare,
      duplicateShare,
      reverseShare,
      declineShare,
    },
  };
}

export async function providerSimCommand(argv: readonly string[], io: Output): Promise<number> {
  const parsed = parse(argv);
  if (!parsed.ok) {
    io.err(`sluice provider-sim: ${parsed.message}\nusage: ${FULL_USAGE}\n`);
    return EXIT.usage;
  }
  const { apiKey, secret } = parsed.options;
  if (parsed.printOnly) {
    io.out(`${JSON.stringify(simulatorConnector(`http://127.0.0.1:${parsed.port}`, { apiKey: apiKey!, secret: secret! }))}\n`);
    return EXIT.ok;
  }
  try {
    const sim = await startSimulator(parsed.options, parsed.port);
    io.out(`provider simulator listening on ${sim.url}\n`);
    io.out(`connector (PUT /v1/routes/ROUTE/connector):\n${JSON.stringify(simulatorConnector(sim.url, { apiKey: apiKey!, secret: secret! }), null, 2)}\n`);
    const stop = () => void sim.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return await new Promise<number>(() => {});
  } catch (e) {
    io.err(`sluice provider-sim: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.failed;
  }
}
