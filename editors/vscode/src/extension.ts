// The VS Code side of Sluice: highlighting comes from the generated TextMate grammar; everything
// else from `sluice lsp --stdio`, started from the workspace's installed package.
import { existsSync } from 'node:fs';
import { window, workspace } from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';
import { serverCommand } from './server-command.js';

let client: LanguageClient | undefined;

export async function activate(): Promise<void> {
  const folder = workspace.workspaceFolders?.[0]?.uri.fsPath;
  const setting = workspace.getConfiguration('sluice').get<string>('server.path', '');
  const server = serverCommand(folder, setting, existsSync);
  if (!server) {
    const message = 'Sluice: no node_modules/.bin/sluice in this workspace (npm install it, or set sluice.server.path); highlighting only.';
    void window.showWarningMessage(message);
    return;
  }
  // Windows runs a .cmd shim only through a shell.
  const options = { cwd: folder, shell: server.command.endsWith('.cmd') };
  client = new LanguageClient('sluice', 'Sluice', { command: server.command, args: [...server.args], options }, { documentSelector: [{ language: 'sluice' }] });
  await client.start();
}

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
