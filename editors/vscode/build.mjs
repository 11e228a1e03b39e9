// Builds the VS Code extension into a .vsix: bundles the client (src/extension.ts with
// vscode-languageclient) into dist/extension.cjs with esbuild, so the folder needs no install of
// its own, then packages the folder with @vscode/vsce: no network, no marketplace.
// `node editors/vscode/build.mjs [--out FILE.vsix]` (default dist/sluice-vscode.vsix).
import { createVSIX } from '@vscode/vsce';
import * as esbuild from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

export async function buildExtension(out = join(root, 'dist', 'sluice-vscode.vsix')) {
  await esbuild.build({
    entryPoints: [join(here, 'src', 'extension.ts')],
    outfile: join(here, 'dist', 'extension.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    minify: true,
    logLevel: 'warning',
  });
  await createVSIX({ cwd: here, packagePath: out, dependencies: false, skipLicense: true, allowMissingRepository: true, rewriteRelativeLinks: false });
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--out');
  buildExtension(at > 0 ? resolve(process.argv[at + 1] ?? '') : undefined).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
