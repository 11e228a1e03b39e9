// `npm run bench [SECTION...]`: prints a Markdown table for each section, in order. A section
// is a name and an async function returning Markdown; add one by adding it to SECTIONS.
import { compileSection } from './compile.js';
import { decideSection, partsSection, scalingSection } from './decide.js';
import { httpSection } from './http.js';

export interface Section {
  readonly name: string;
  readonly run: () => Promise<string> | string;
}

const SECTIONS: readonly Section[] = [
  { name: 'decide', run: decideSection },
  { name: 'scaling', run: scalingSection },
  { name: 'parts', run: partsSection },
  { name: 'compile', run: () => compileSection() },
  { name: 'http', run: httpSection },
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !SECTIONS.some((s) => s.name === w));
  if (unknown.length) throw new Error(`unknown section ${unknown.join(', ')}; sections: ${SECTIONS.map((s) => s.name).join(', ')}`);
  for (const section of SECTIONS) {
    if (wanted.length && !wanted.includes(section.name)) continue;
    process.stdout.write(`${await section.run()}\n`);
  }
}

await main();
