import { InputError } from '../errors.js';
import type { Material } from '../inputs/settings.js';

/** One PEM block: its label (CERTIFICATE, PRIVATE KEY, …) and its whole text. */
export interface PemBlock {
  readonly label: string;
  /** BEGIN line through END line, newline-terminated. */
  readonly text: string;
  /** Its position among the blocks of its input, from 1, for messages. */
  readonly position: number;
}

const BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/g;

/**
 * Every PEM block of an input, in order. Text between blocks (such as the
 * "Bag Attributes" lines that openssl writes) is allowed and ignored; a block
 * without its END line, or an input with no block at all, is an error.
 */
export function splitPem(material: Material): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of material.text.matchAll(BEGIN)) {
    const label = match[1] ?? '';
    const end = `-----END ${label}-----`;
    const endAt = material.text.indexOf(end, match.index);
    const nextBegin = material.text.indexOf('-----BEGIN', match.index + 1);
    if (endAt < 0 || (nextBegin >= 0 && nextBegin < endAt)) {
      throw InputError.of(
        material.input,
        `${where(material)}PEM block ${blocks.length + 1} (${label}) has no matching END line; the text was cut short. Copy the whole block again.`,
      );
    }
    blocks.push({
      label,
      text: `${material.text.slice(match.index, endAt + end.length)}\n`,
      position: blocks.length + 1,
    });
  }
  if (blocks.length === 0) {
    throw InputError.of(
      material.input,
      `${where(material)}holds no PEM block (no '-----BEGIN …-----' line). Pass PEM text, BEGIN and END lines included.`,
    );
  }
  return blocks;
}

/** "the file 'x' " when the material came from a file, for messages. */
export function where(material: Material): string {
  return material.path === undefined ? '' : `the file ${JSON.stringify(material.path)} `;
}
