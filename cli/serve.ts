// `sluice serve`: the HTTP service and the editor (PORT, SLUICE_DATA_DIR, DATABASE_URL, SLUICE_ADMIN_KEY).
import { startService } from '../server/start.js';
import { parseArgs } from './args.js';
import { EXIT, type Output } from './io.js';

export const SERVE_USAGE = 'sluice serve [--port N]';

export async function serveCommand(argv: readonly string[], io: Output): Promise<number> {
  const parsed = parseArgs(argv, [], ['port']);
  const portText = parsed.ok ? (parsed.args.options.get('port') ?? process.env['PORT'] ?? '8080') : '';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!parsed.ok || parsed.args.positional.length || !(port >= 0 && port < 65536)) {
    io.err(`sluice serve: ${parsed.ok ? `bad port '${portText}'` : parsed.message}\nusage: ${SERVE_USAGE}\n`);
    return EXIT.usage;
  }
  const databaseUrl = process.env['DATABASE_URL'];
  const adminKey = process.env['SLUICE_ADMIN_KEY'];
  const dataDir = process.env['SLUICE_DATA_DIR'] ?? './data';
  const perSecond = Number(process.env['SLUICE_RATE_LIMIT'] ?? 2000);
  const rateLimit = { perSecond, burst: perSecond * 2 };
  const recoverAfterMs = Number(process.env['SLUICE_RECOVERY_AFTER_MS'] ?? 30_000);
  try {
    const service = await startService({ rateLimit, recoverAfterMs, port, host: process.env['HOST'] ?? '127.0.0.1', dataDir, ...(databaseUrl ? { databaseUrl } : {}), ...(adminKey ? { adminKey } : {}) });
    io.out(`Sluice is listening on ${service.url} (${databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${dataDir}`})\n`);
    io.out(`  editor:  ${service.url}/\n  API:     ${service.url}/openapi.json\n`);
    if (!adminKey) io.out(`  admin key (generated for this run; set SLUICE_ADMIN_KEY to fix one): ${service.adminKey}\n`);
    const stop = () => void service.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await new Promise(() => {});
    return EXIT.ok;
  } catch (e) {
    io.err(`sluice serve: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.failed;
  }
}
