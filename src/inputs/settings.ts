import type { Input, Mode } from '../constants.js';
import type { Domain } from './domains.js';

/** PEM text taken from one input, given inline or read from a file in the workspace. */
export interface Material {
  /** The input it came from, named in every error about it. */
  readonly input: Input;
  /** The PEM text, with Windows line endings made Unix. */
  readonly text: string;
  /** The file it was read from, as the user wrote it; undefined when given inline. */
  readonly path?: string;
}

/** What the certificate gate needs: the pair, its chain, the names, the policy. */
export interface CertificateSettings {
  /** The leaf certificate, optionally followed by its intermediates. */
  readonly certificate: Material;
  /** The private key of the leaf (a secret, already masked). */
  readonly privateKey: Material;
  /** Passphrase of an encrypted private key (a secret, already masked). */
  readonly privateKeyPassphrase?: string;
  /** Intermediates, when `certificate` holds the leaf alone. */
  readonly chain?: Material;
  /** Extra trust anchors (private CAs), trusted besides Node's root store. */
  readonly caBundle?: Material;
  /** The names the leaf must cover, deduplicated, in the order given. */
  readonly domains: readonly Domain[];
  /** Refuse a certificate with fewer whole days than this left. */
  readonly minDaysRemaining: number;
}

/**
 * Everything the action was asked to do, parsed and checked once from the
 * inputs by `getSettings()`. Nothing else in the action reads an input.
 */
export interface Settings {
  readonly mode: Mode;
  readonly certificate: CertificateSettings;
}
