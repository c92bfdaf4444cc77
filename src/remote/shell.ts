/**
 * The one way a value reaches the server's shell: as a single-quoted word
 * that matched an allow-list, so it can never be read as shell syntax.
 */

/** Characters of names, paths, ports and fingerprints: no space, quote, $, ;, &, |, `, \, * or ?. */
export const WORD_CHARACTERS = /^[A-Za-z0-9_./:@%+=,-]*$/;

/** Characters of a restart command: printable ASCII on one line, without the single quote. */
export const COMMAND_CHARACTERS = /^[\x20-\x26\x28-\x7e]*$/;

/** Thrown when a value would need more than single quotes: a bug, as inputs are checked first. */
export class UnsafeShellWordError extends Error {}

/** The value as one single-quoted shell word, or an error if it holds a character outside `allowed`. */
export function quote(value: string, allowed: RegExp = WORD_CHARACTERS): string {
  if (!allowed.test(value)) {
    throw new UnsafeShellWordError(
      `refusing to pass ${JSON.stringify(value.slice(0, 40))} to the server's shell`,
    );
  }
  return `'${value}'`;
}

/** An argument of a remote script: a word, or a user's restart command (a wider allow-list). */
export type ShellArg = string | { readonly command: string };

/**
 * The command line that runs `script` on the server with `args` as $1, $2, …
 * The script is constant text of this project (see scripts.ts) and holds no
 * single quote, so quoting it needs no escaping either.
 */
export function shellCommand(
  name: string,
  script: string,
  args: readonly ShellArg[],
  sudo: boolean,
): string {
  if (script.includes("'")) throw new UnsafeShellWordError(`script ${name} holds a single quote`);
  const words = args.map((arg) =>
    typeof arg === 'string' ? quote(arg) : quote(arg.command, COMMAND_CHARACTERS),
  );
  return `${sudo ? 'sudo -n ' : ''}sh -c '${script}' ${quote(name)} ${words.join(' ')}`.trimEnd();
}
