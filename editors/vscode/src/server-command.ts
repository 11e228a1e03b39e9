// Which `sluice` the extension starts as its language server: the `sluice.server.path` setting
// when given, else the workspace's installed package (node_modules/.bin/sluice).
import { isAbsolute, join } from 'node:path';

export interface ServerCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** The command that runs `sluice lsp --stdio`, or undefined when no sluice is found. */
export function serverCommand(
  folder: string | undefined,
  setting: string,
  exists: (path: string) => boolean,
  platform: NodeJS.Platform = process.platform,
): ServerCommand | undefined {
  const lsp = ['lsp', '--stdio'];
  if (setting !== '') {
    const path = isAbsolute(setting) || folder === undefined ? setting : join(folder, setting);
    // A script is run with node: the sluice repository's own bin/sluice.mjs, say.
    return /\.m?js$/.test(path) ? { command: 'node', args: [path, ...lsp] } : { command: path, args: lsp };
  }
  if (folder === undefined) return undefined;
  const bin = join(folder, 'node_modules', '.bin', platform === 'win32' ? 'sluice.cmd' : 'sluice');
  return exists(bin) ? { command: bin, args: lsp } : undefined;
}
