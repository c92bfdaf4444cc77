/** Builds the gate's settings from PEM text, the way the input helper would. */
import { Input } from '../../src/constants.js';
import { toDomain } from '../../src/inputs/domains.js';
import type { CertificateSettings } from '../../src/inputs/settings.js';

export interface BundleText {
  certificate: string;
  privateKey: string;
  passphrase?: string;
  chain?: string;
  caBundle?: string;
  domains: string[];
  minDaysRemaining?: number;
}

export function certificateSettings(text: BundleText): CertificateSettings {
  return {
    certificate: { input: Input.Certificate, text: text.certificate },
    privateKey: { input: Input.PrivateKey, text: text.privateKey },
    ...(text.passphrase === undefined ? {} : { privateKeyPassphrase: text.passphrase }),
    ...(text.chain === undefined ? {} : { chain: { input: Input.Chain, text: text.chain } }),
    ...(text.caBundle === undefined
      ? {}
      : { caBundle: { input: Input.CaBundle, text: text.caBundle } }),
    domains: text.domains.map(toDomain),
    minDaysRemaining: text.minDaysRemaining ?? 7,
  };
}
