// The VS Code extension (editors/vscode): its generated files are current, its grammar reads
// text as the lexer does, it finds the workspace's sluice, and it builds into a .vsix.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENERATED } from '../editors/vscode/generate.js';
import { highlight } from '../editors/vscode/highlight.js';
import { serverCommand } from '../editors/vscode/src/server-command.js';
import { SCOPES } from '../language/textmate.js';
import { classifyLine, type TokenClass } from '../language/tokens.js';

const EXTENSION = 'editors/vscode';
const CLASS_OF_SCOPE = new Map(Object.entries(SCOPES).map(([cls, scope]) => [`${scope}.sluice`, cls as TokenClass]));

/** The class of each character of a line ('' for blanks), as the lexer reads it. */
function lexerClasses(line: string): string[] {
  const out = Array.from(line, () => '');
  for (const t of classifyLine(line)) for (let i = t.start; i < t.start + t.length; i++) out[i] = t.cls;
  return out;
}

/** The class of each character of each line, as the generated grammar reads it in VS Code. */
async function grammarClasses(lines: readonly string[]): Promise<string[][]> {
  return (await highlight(lines)).map((pieces) => pieces.flatMap((p) => Array.from(p.text, () => CLASS_OF_SCOPE.get(p.scope) ?? '')));
}

describe('the generated files', () => {
  it.each(Object.keys(GENERATED))('%s is current (npm run vscode:generate writes it)', (path) => {
    expect(readFileSync(join(EXTENSION, path), 'utf8')).toBe(GENERATED[path]);
  });

  it('the grammar classes every character of the examples as the lexer does', async () => {
    const lines = readdirSync('examples')
      .filter((f) => f.endsWith('.sluice'))
      .flatMap((f) => readFileSync(join('examples', f), 'utf8').split('\n'));
    expect(await grammarClasses(lines)).toEqual(lines.map(lexerClasses));
  });

  it('and on lines made of pieces that lex badly (keywords inside names, stray characters, open strings)', async () => {
    const seed = 1818;
    const pieces = ['route', 'min', 'min_amount', 'fields.', 'fields.when', 'x', '_', 'A', 'EUR', 'Eur', '1', '.5', '%', 'd', 'h', '"', '\\', '#', ' ', '\t', '\uFEFF', '\u00a0', '{', '}', '!', '!=', '=', '<', 'cost', 'p2p', '~', 'é'];
    const line = fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((p) => p.join(''));
    const lines = fc.sample(line, { seed, numRuns: 400 });
    const got = await grammarClasses(lines);
    const differing = lines.filter((l, i) => JSON.stringify(got[i]) !== JSON.stringify(lexerClasses(l)));
    expect(differing, `seed ${seed}`).toEqual([]);
  });
});

describe('the server the extension starts', () => {
  const folder = mkdtempSync(join(tmpdir(), 'sluice-vscode-'));

  it('is the workspace’s node_modules/.bin/sluice, once installed', () => {
    expect(serverCommand(folder, '', existsSync, 'linux')).toBeUndefined();
    mkdirSync(join(folder, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(folder, 'node_modules', '.bin', 'sluice'), '');
    expect(serverCommand(folder, '', existsSync, 'linux')).toEqual({ command: join(folder, 'node_modules', '.bin', 'sluice'), args: ['lsp', '--stdio'] });
    expect(serverCommand(undefined, '', existsSync, 'linux')).toBeUndefined();
  });

  it('is the sluice.server.path setting when given: a command, or a script run with node', () => {
    expect(serverCommand(folder, '/opt/sluice', existsSync)).toEqual({ command: '/opt/sluice', args: ['lsp', '--stdio'] });
    expect(serverCommand(folder, 'bin/sluice.mjs', existsSync)).toEqual({ command: 'node', args: [join(folder, 'bin/sluice.mjs'), 'lsp', '--stdio'] });
  });
});

describe('npm run build:vscode', () => {
  it('bundles the client and packages a .vsix with the grammar, without network or marketplace', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'sluice-vsix-')), 'sluice.vsix');
    execFileSync(process.execPath, [join(EXTENSION, 'build.mjs'), '--out', out], { stdio: 'pipe' });
    const listed = execFileSync('unzip', ['-Z1', out], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(listed).toEqual([
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/dist/extension.cjs',
      'extension/images/highlighting.png',
      'extension/language-configuration.json',
      'extension/package.json',
      'extension/readme.md',
      'extension/syntaxes/sluice.tmLanguage.json',
    ]);
    // The client is bundled: it needs nothing but VS Code and Node.
    const bundle = readFileSync(join(EXTENSION, 'dist', 'extension.cjs'), 'utf8');
    const required = new Set([...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!.replace(/^node:/, '')));
    expect([...required].filter((m) => m !== 'vscode' && !builtinModules.includes(m))).toEqual([]);
    expect(required).toContain('vscode');
    const manifest = JSON.parse(execFileSync('unzip', ['-p', out, 'extension/package.json'], { encoding: 'utf8' })) as { contributes: { grammars: { path: string }[] } };
    expect(manifest.contributes.grammars[0]!.path).toBe('./syntaxes/sluice.tmLanguage.json');
  });
});
