// `npm run bench [SECTION...]`: prints a Markdown table for each section, in order, each section
// in a process of its own (what one section leaves in V8's heap and feedback, such as objects
// kept alive, would otherwise change the next one's figures). Add a section to SECTIONS.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileSection } from './compile.js';
import { decideSection, partsSection } from './decide.js';
import { httpSection } from './http.js';
import { overheadSection } from './overhead.js';

export interface Section {
  readonly name: string;
  readonly run: () => Promise<string> | string;
}

const SECTIONS: readonly Section[] = [
  { name: 'decide', run: decideSection },
  { name: 'parts', run: partsSection },
  { name: 'compile', run: () => compileSection() },
  { name: 'http', run: httpSection },
  { name: 'overhead', run: overheadSection },
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !SECTIONS.some((s) => s.name === w));
  if (unknown.length) throw new Error(`unknown section ${unknown.join(', ')}; sections: ${SECTIONS.map((s) => s.name).join(', ')}`);
  const chosen = SECTIONS.filter((s) => !wanted.length || wanted.includes(s.name));
  if (chosen.length === 1) {
    process.stdout.write(`${await chosen[0]!.run()}\n`);
    return;
  }
  for (const section of chosen) {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), section.name], { stdio: 'inherit' });
    if (child.status !== 0) throw new Error(`section ${section.name} failed (exit ${child.status})`);
  }
}

await main();
