import { InputError } from '../../src/errors.js';

/** The message of the InputError that `work` throws; fails the test if it throws none. */
export function inputErrorOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    return messageOf(error);
  }
  throw new Error(ACCEPTED);
}

/** inputErrorOf for work that waits, such as reading the inputs. */
export async function inputErrorOfAsync(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (error) {
    return messageOf(error);
  }
  throw new Error(ACCEPTED);
}

const ACCEPTED = 'expected an InputError, but the input was accepted';

function messageOf(error: unknown): string {
  if (error instanceof InputError) return error.message;
  throw error;
}
