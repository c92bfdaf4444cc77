import type { KeyObject, X509Certificate } from 'node:crypto';
import { Input, MIN_RSA_BITS } from '../constants.js';
import type { Problem } from '../errors.js';
import { describeCertificate, holdsKeyOf } from './describe.js';

/** Curves that browsers accept for a server key. */
const ACCEPTED_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/**
 * Whether the private key belongs to the leaf. When it belongs to another
 * certificate of the bundle instead, the message says the order is wrong.
 */
export function keyMatchProblems(key: KeyObject, certs: readonly X509Certificate[]): Problem[] {
  const [leaf, ...rest] = certs;
  if (leaf === undefined || holdsKeyOf(leaf, key)) return [];
  const other = rest.findIndex((cert) => holdsKeyOf(cert, key));
  const message =
    other >= 0
      ? `the key belongs to certificate ${other + 2} of the bundle, ${describeCertificate(rest[other] as X509Certificate)}, not to the first one. Put the server's own certificate (the leaf) first, then its intermediates.`
      : `the key does not match the certificate ${describeCertificate(leaf)}. Use the key that was generated together with this certificate's signing request, or the certificate issued for this key.`;
  return [{ input: Input.PrivateKey, message }];
}

/** Whether the private key is of a kind and size that browsers accept. */
export function privateKeyStrengthProblems(key: KeyObject): Problem[] {
  const weakness = keyWeakness(key);
  return weakness === undefined
    ? []
    : [
        {
          input: Input.PrivateKey,
          message: `${weakness} Make a new key and have the certificate reissued for it.`,
        },
      ];
}

/** Whether a certificate's public key is of a kind and size that browsers accept. */
export function publicKeyWeakness(cert: X509Certificate): string | undefined {
  try {
    return keyWeakness(cert.publicKey);
  } catch {
    return 'its public key cannot be read; the certificate is damaged.';
  }
}

function keyWeakness(key: KeyObject): string | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss': {
      const bits = details.modulusLength ?? 0;
      return bits < MIN_RSA_BITS
        ? `the RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are required.`
        : undefined;
    }
    case 'ec': {
      const curve = details.namedCurve ?? 'an unnamed curve';
      return ACCEPTED_CURVES.has(curve)
        ? undefined
        : `the EC key is on ${curve}; use P-256 or P-384.`;
    }
    case 'ed25519':
    case 'ed448':
      return undefined;
    default:
      return `the key is of type ${key.asymmetricKeyType ?? 'unknown'}, which a TLS server cannot sign with; use RSA, ECDSA or Ed25519.`;
  }
}
