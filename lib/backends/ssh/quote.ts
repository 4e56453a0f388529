/**
 * POSIX sh quoting. sshd hands the command line to the user's login shell (`$SHELL -c line`), so
 * every argument is one single-quoted word: inside single quotes nothing is special except the quote
 * itself, which is written as '\'' (close, escaped quote, reopen). Newlines are kept as they are.
 */

/**
 * Words made only of these characters mean the same quoted or not; leaving them bare keeps commands
 * readable in error messages. `=` is not among them: a bare `A=b` in command position is an assignment.
 */
const SAFE_WORD = /^[A-Za-z0-9_@%+:,./-]+$/;

/** Shell keywords (POSIX and bash) change the parse when bare in command position: always quote them. */
const RESERVED_WORDS = new Set([
  'case',
  'coproc',
  'do',
  'done',
  'elif',
  'else',
  'esac',
  'fi',
  'for',
  'function',
  'if',
  'in',
  'select',
  'then',
  'time',
  'until',
  'while',
]);

export function quoteArg(arg: string): string {
  if (arg.includes('\0')) {
    // A NUL cannot be part of a process argument: the remote side would silently cut the word.
    throw new TypeError('An argument of a remote command cannot contain a NUL character');
  }
  if (SAFE_WORD.test(arg) && !RESERVED_WORDS.has(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new TypeError('A remote command needs at least one word');
  return argv.map(quoteArg).join(' ');
}
