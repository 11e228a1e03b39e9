// A small argument parser: positional files plus `--flag` and `--option VALUE`.

export interface Args {
  readonly positional: string[];
  readonly flags: Set<string>;
  readonly options: Map<string, string>;
}

export type ArgsResult = { ok: true; args: Args } | { ok: false; message: string };

export function parseArgs(argv: readonly string[], flagNames: readonly string[], optionNames: readonly string[]): ArgsResult {
  const args: Args = { positional: [], flags: new Set(), options: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--') || a === '--') {
      args.positional.push(a);
      continue;
    }
    const [name, inline] = splitOption(a.slice(2));
    if (flagNames.includes(name) && inline === undefined) args.flags.add(name);
    else if (optionNames.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) return { ok: false, message: `--${name} needs a value` };
      args.options.set(name, value);
    } else return { ok: false, message: `unknown option --${name}` };
  }
  return { ok: true, args };
}

function splitOption(s: string): [string, string | undefined] {
  const eq = s.indexOf('=');
  return eq < 0 ? [s, undefined] : [s.slice(0, eq), s.slice(eq + 1)];
}
