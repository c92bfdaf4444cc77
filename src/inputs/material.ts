import * as core from '@actions/core';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { MAX_MATERIAL_BYTES, type Input } from '../constants.js';
import { InputError, quoteValue } from '../errors.js';
import type { Material } from './settings.js';

const PEM_MARKER = '-----BEGIN';
/** Longer than any real path: such a value is pasted content, not a file name. */
const MAX_PATH_LENGTH = 4096;

/**
 * Reads a PEM input: the value itself when it holds a PEM block, otherwise a
 * file at that path inside the workspace. The value of a secret input is never
 * quoted (it may be a key pasted without its BEGIN line), and what a secret's
 * file holds is masked as soon as it is read.
 */
export function readMaterial(
  input: Input,
  value: string,
  workspace: string,
  secret: boolean,
): Material {
  if (Buffer.byteLength(value) > MAX_MATERIAL_BYTES) {
    throw InputError.of(
      input,
      `is larger than ${MAX_MATERIAL_BYTES} bytes; pass one certificate bundle or key.`,
    );
  }
  if (value.includes(PEM_MARKER)) return { input, text: normalizeNewlines(value) };
  // The resolved path would quote the value too, so a secret's path is not shown at all.
  const shown = secret
    ? 'the path given'
    : `the path ${quoteValue(value)} (${resolve(workspace, value)})`;
  if (value.includes('\n') || value.length > MAX_PATH_LENGTH) {
    throw InputError.of(
      input,
      "is neither PEM text (there is no '-----BEGIN' line) nor a file path. Pass the whole PEM, BEGIN and END lines included, or the path of a file in the workspace.",
    );
  }
  const file = resolveInWorkspace(input, value, workspace, shown);
  const text = readFileSync(file, 'utf8');
  if (secret) core.setSecret(text);
  return { input, text: normalizeNewlines(text), path: value };
}

/** The bytes of a file inside the workspace (a .pfx), with the same checks as a PEM file; masked. */
export function readBinaryInWorkspace(input: Input, value: string, workspace: string): Buffer {
  const bytes = readFileSync(resolveInWorkspace(input, value, workspace, 'the path given'));
  core.setSecret(bytes.toString('base64'));
  return bytes;
}

/** The absolute path of a regular, readable-size file inside the workspace. */
function resolveInWorkspace(input: Input, value: string, workspace: string, shown: string): string {
  const file = resolve(workspace, value);
  const hint =
    'Put the file in the workspace (for example with actions/checkout or a previous step), or pass its PEM text from a secret.';
  if (!isInside(workspace, file)) {
    throw InputError.of(input, `${shown} is outside the workspace ${workspace}. ${hint}`);
  }
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw InputError.of(input, `${shown} is not a regular file. ${hint}`);
    size = stat.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw InputError.of(
      input,
      `is not PEM text, and no file exists at ${shown}. Check the path, relative to the workspace, or pass the PEM text itself.`,
    );
  }
  if (size > MAX_MATERIAL_BYTES) {
    throw InputError.of(
      input,
      `${shown} names a file larger than ${MAX_MATERIAL_BYTES} bytes; it cannot be a certificate or key.`,
    );
  }
  // A symbolic link inside the workspace must not lead out of it.
  if (!isInside(realpathSync(workspace), realpathSync(file))) {
    throw InputError.of(
      input,
      `${shown} links to a file outside the workspace ${workspace}. ${hint}`,
    );
  }
  return file;
}

function isInside(folder: string, file: string): boolean {
  const path = relative(resolve(folder), file);
  return path !== '' && path !== '..' && !path.startsWith(`..${sep}`) && !isAbsolute(path);
}

function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}
