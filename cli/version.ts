// The version `sluice --version` prints: the package's, read once from the nearest package.json
// above this module (dist/cli/ when built, cli/ under the tests).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function version(): string {
  if (cached !== undefined) return cached;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (cached = (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version);
    if (dirname(dir) === dir) return (cached = 'unknown');
  }
}
