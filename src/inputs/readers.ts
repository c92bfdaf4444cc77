import * as core from '@actions/core';
import type { Input } from '../constants.js';
import { InputError, quoteValue } from '../errors.js';

/** An input that takes one of a fixed set of words; empty means `fallback`. */
export function getChoice<T extends string>(input: Input, choices: readonly T[], fallback: T): T {
  const value = core.getInput(input);
  if (value === '') return fallback;
  const choice = choices.find((known: string) => known === value);
  if (choice === undefined) {
    throw InputError.of(input, `must be one of ${choices.join(', ')}; got ${quoteValue(value)}.`);
  }
  return choice;
}

/** A whole number within [min, max]; empty means `fallback`. */
export function getInteger(input: Input, min: number, max: number, fallback: number): number {
  const value = core.getInput(input);
  if (value === '') return fallback;
  if (!/^\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw InputError.of(
      input,
      `must be a whole number from ${min} to ${max}; got ${quoteValue(value)}.`,
    );
  }
  return Number(value);
}

/**
 * A YAML 1.2 boolean (true/True/TRUE/false/False/FALSE) through
 * core.getBooleanInput, so a typo is an error rather than a silent false.
 */
export function getBoolean(input: Input, fallback: boolean): boolean {
  if (core.getInput(input) === '') return fallback;
  try {
    return core.getBooleanInput(input);
  } catch {
    throw InputError.of(input, `must be true or false; got ${quoteValue(core.getInput(input))}.`);
  }
}
