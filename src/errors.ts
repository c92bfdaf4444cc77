import type { Input } from './constants.js';

/** One thing wrong with one input: the input's name and what to do about it. */
export interface Problem {
  readonly input: Input;
  /** Says what is wrong and how to fix it. Never contains secret material. */
  readonly message: string;
}

/** Formats a problem the way every error of the action reads: the input first. */
export function formatProblem(problem: Problem): string {
  return `Input '${problem.input}': ${problem.message}`;
}

/**
 * A failure caused by what the user passed in. It carries every problem found,
 * so one run shows all that needs fixing rather than one thing per rerun.
 */
export class InputError extends Error {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
    this.problems = problems;
  }

  /** Shorthand for an error about a single input. */
  static of(input: Input, message: string): InputError {
    return new InputError([{ input, message }]);
  }
}

/**
 * Shows a user-supplied, non-secret value inside a message: quoted, one line,
 * and cut short so that a huge or multi-line value cannot flood the log.
 */
export function quoteValue(value: string, max = 60): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(shown);
}

/** The text of any thrown value: an Error's message, or the value itself. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return `Unexpected failure: ${JSON.stringify(error)}`;
  } catch {
    return 'Unexpected failure of an unknown kind';
  }
}

/**
 * Runs one reader and returns its result; when it throws an InputError, adds
 * that error's problems to the list and returns undefined, so that a caller
 * can read every input and report all that is wrong at once.
 */
export function collectProblems<T>(problems: Problem[], read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    keepProblems(problems, error);
    return undefined;
  }
}

/** collectProblems for a reader that waits (the PKCS#12 reader loads node-forge on first use). */
export async function collectProblemsAsync<T>(
  problems: Problem[],
  read: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    keepProblems(problems, error);
    return undefined;
  }
}

/** Adds an InputError's problems to the list; any other error goes on up. */
function keepProblems(problems: Problem[], error: unknown): void {
  if (!(error instanceof InputError)) throw error;
  problems.push(...error.problems);
}
