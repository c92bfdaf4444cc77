import { InputError } from '../../src/errors.js';

/** The message of the InputError that `work` throws; fails the test if it throws none. */
export function inputErrorOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error('expected an InputError, but the input was accepted');
}
