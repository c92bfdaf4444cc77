import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { Input } from '../constants.js';
import { InputError, type Problem } from '../errors.js';
import type { Material } from '../inputs/settings.js';
import { splitPem, where, type PemBlock } from './pem.js';

const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'TRUSTED CERTIFICATE', 'X509 CERTIFICATE']);
const KEY_LABELS = new Set([
  'PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
]);
/** Blocks that openssl writes beside a key and that carry nothing of their own. */
const IGNORED_LABELS = new Set(['EC PARAMETERS']);

/**
 * Every certificate of a certificate input, in order. Node's X509Certificate
 * reads only the first PEM block, so the blocks are split first.
 */
export function parseCertificates(material: Material): X509Certificate[] {
  const blocks = splitPem(material);
  const problems = blocks.flatMap((block) => misplacedBlock(material, block, CERTIFICATE_LABELS));
  if (problems.length > 0) throw new InputError(problems);
  return blocks.map((block) => {
    try {
      return readAllFields(new X509Certificate(block.text));
    } catch {
      throw InputError.of(
        material.input,
        `${where(material)}PEM block ${block.position} is labelled CERTIFICATE but is not a valid X.509 certificate; it may be damaged or cut short. Copy it again from the issuer's files.`,
      );
    }
  });
}

/**
 * Reads every field the gate will look at, so that a certificate OpenSSL
 * half-understands (a damaged extension or key) fails here, as an input
 * error, rather than later in the middle of a check.
 */
function readAllFields(cert: X509Certificate): X509Certificate {
  // Each getter parses its part of the certificate when read, and throws when it cannot.
  const getters = [
    () => cert.subject,
    () => cert.issuer,
    () => cert.subjectAltName,
    () => cert.infoAccess,
    () => cert.keyUsage,
    () => cert.validFrom,
    () => cert.validTo,
    () => cert.publicKey,
  ];
  for (const read of getters) read();
  return cert;
}

/** A private key read from its input, with what the gate and the deploy need. */
export interface ParsedKey {
  readonly key: KeyObject;
  /**
   * The key as the server will get it: the input's own block when it was not
   * encrypted, otherwise decrypted as PKCS#8, since a Flask app cannot prompt
   * for a passphrase. A secret: the caller masks it.
   */
  readonly pem: string;
}

/** The one private key of the `private-key` input, decrypted with the passphrase if needed. */
export function parsePrivateKey(material: Material, passphrase: string | undefined): ParsedKey {
  const blocks = splitPem(material).filter((block) => !IGNORED_LABELS.has(block.label));
  const problems = blocks.flatMap((block) => misplacedBlock(material, block, KEY_LABELS));
  if (problems.length > 0) throw new InputError(problems);
  const [block, extra] = blocks;
  if (block === undefined || extra !== undefined) {
    throw InputError.of(
      material.input,
      `${where(material)}holds ${blocks.length} private keys; pass exactly one, the key of the certificate.`,
    );
  }
  const encrypted =
    block.label === 'ENCRYPTED PRIVATE KEY' || /^Proc-Type: 4,ENCRYPTED$/m.test(block.text);
  if (encrypted && passphrase === undefined) {
    throw InputError.of(
      Input.PrivateKeyPassphrase,
      `is required: the private key is encrypted. Store its passphrase in a secret and pass it as '${Input.PrivateKeyPassphrase}'.`,
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({
      key: block.text,
      format: 'pem',
      ...(encrypted ? { passphrase } : {}),
    });
  } catch {
    // OpenSSL's own reason is not shown: it adds nothing a user can act on.
    if (encrypted) {
      throw InputError.of(
        Input.PrivateKeyPassphrase,
        'does not decrypt the private key. Check that the secret holds the passphrase of this very key.',
      );
    }
    throw InputError.of(
      material.input,
      `${where(material)}is labelled ${block.label} but is not a valid private key; it may be damaged or cut short. Copy it again.`,
    );
  }
  const pem = encrypted ? key.export({ type: 'pkcs8', format: 'pem' }).toString() : block.text;
  return { key, pem };
}

/** A problem when a block does not belong in this input, naming where it belongs. */
function misplacedBlock(
  material: Material,
  block: PemBlock,
  allowed: ReadonlySet<string>,
): Problem[] {
  if (allowed.has(block.label)) return [];
  const at = `${where(material)}PEM block ${block.position}`;
  let message: string;
  if (KEY_LABELS.has(block.label)) {
    message = `${at} is a private key, which does not belong here. Pass the key in '${Input.PrivateKey}' only, and never in a certificate input.`;
  } else if (CERTIFICATE_LABELS.has(block.label)) {
    message = `${at} is a certificate, not a private key. Pass certificates in '${Input.Certificate}' (or '${Input.Chain}') and the key in '${Input.PrivateKey}'.`;
  } else if (block.label === 'OPENSSH PRIVATE KEY') {
    message = `${at} is an SSH key, not the certificate's key. SSH keys go in '${Input.SshKey}'.`;
  } else if (block.label === 'CERTIFICATE REQUEST' || block.label === 'NEW CERTIFICATE REQUEST') {
    message = `${at} is a certificate signing request (CSR), not a certificate. Pass the certificate your CA issued for it.`;
  } else {
    message = `${at} is a ${block.label}, which the action does not read here. Pass PEM certificates and a PEM private key.`;
  }
  return [{ input: material.input, message }];
}
