// Bundles the browser editor and console into dist/editor/: the page, its script and styles, Monaco's
// editor worker, the JSON worker, the Sluice language worker, the simulation worker and the codicon font. No CDN:
// everything the page loads is in that folder. `node editor/build.mjs [--watch]`.
import * as esbuild from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
export const OUT_DIR = join(root, 'dist', 'editor');

const monaco = join(root, 'node_modules', 'monaco-editor', 'esm', 'vs');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.ttf': 'file' },
};

/** Builds everything into dist/editor; returns the output folder. */
export async function buildEditor({ quiet = false } = {}) {
  await rm(OUT_DIR, { recursive: true, force: true });
  await mkdir(OUT_DIR, { recursive: true });
  await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: { app: join(here, 'page', 'main.ts') },
      outdir: OUT_DIR,
      // One script: Monaco's lazily imported JSON mode is inlined (its worker comes from
      // MonacoEnvironment.getWorker, below in main.ts).
      assetNames: 'assets/[name]-[hash]',
    }),
    esbuild.build({
      ...common,
      entryPoints: {
        'editor.worker': join(monaco, 'editor', 'editor.worker.js'),
        'json.worker': join(monaco, 'language', 'json', 'json.worker.js'),
        'sluice.worker': join(here, 'page', 'language.worker.ts'),
        'sim.worker': join(here, 'page', 'sim.worker.ts'),
      },
      outdir: OUT_DIR,
    }),
  ]);
  await copyFile(join(here, 'index.html'), join(OUT_DIR, 'index.html'));
  if (!quiet) console.log(`editor built into ${OUT_DIR}`);
  return OUT_DIR;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildEditor().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
