/** Parsed command line: positional words and --flag values (a flag without a value is "true"). */
interface ParsedArgs {
  readonly words: readonly string[];
  readonly flags: Readonly<Record<string, string>>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseArgs(argv: readonly string[], valueFlags: readonly string[]): ParsedArgs {
  const words: string[] = [];
  const flags: Record<string, string> = {};
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const [name, inlineValue] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (valueFlags.includes(name)) {
      const value = inlineValue ?? argv[index + 1];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      if (inlineValue === undefined) index += 1;
      flags[name] = value;
    } else {
      flags[name] = inlineValue ?? 'true';
    }
  }
  return { words, flags };
}

export function integerFlag(flags: Readonly<Record<string, string>>, name: string): number | undefined {
  const value = flags[name];
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number (got "${value}")`);
  return Number(value);
}
