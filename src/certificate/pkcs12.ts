import { X509Certificate, createPrivateKey } from 'node:crypto';
import type Forge from 'node-forge';
import { Input } from '../constants.js';
import { InputError } from '../errors.js';
import { holdsKeyOf } from './describe.js';

/** PKCS#12 bag types (RFC 7292 4.2). */
const KEY_BAG = '1.2.840.113549.1.12.10.1.1';
const SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';

/** The contents of a PKCS#12 bundle as PEM: the certificates (leaf first) and the key. */
export interface Pkcs12Contents {
  readonly certificatePem: string;
  /** PKCS#8, unencrypted: a secret, the caller masks it. */
  readonly keyPem: string;
}

/**
 * Reads a base64 .pfx/.p12 with its password. node-forge decodes the
 * container (OpenSSL 3's AES/PBKDF2 default and the -legacy RC2/3DES form);
 * it cannot read EC keys or certificates, so for those it hands back the raw
 * ASN.1, which Node's crypto then reads. The leaf (the certificate of the
 * key) comes first, then the certificates that issued it, in order.
 */
export async function readPkcs12(base64: string, password: string): Promise<Pkcs12Contents> {
  const der = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
  if (der.length === 0 || !/^[A-Za-z0-9+/=\s]+$/.test(base64)) {
    throw InputError.of(
      Input.Pfx,
      'is not base64. Encode the .pfx/.p12 file with `base64 -w0 site.pfx` and store the result in a secret.',
    );
  }
  // Loaded here, not at start-up: only pfx needs node-forge, and it costs ~15 ms to load.
  const { default: forge } = await import('node-forge');
  let p12: Forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der.toString('binary')), true, password);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/mac|password|decrypt|invalid/i.test(message)) {
      throw InputError.of(
        Input.PfxPassword,
        'does not open the PKCS#12 bundle. Check that the secret holds the export password of this very file.',
      );
    }
    throw InputError.of(
      Input.Pfx,
      'is not a PKCS#12 (.pfx/.p12) bundle. Export one with `openssl pkcs12 -export` and pass it base64-encoded.',
    );
  }
  const certificates = bagsOf(p12, CERT_BAG)
    .map((bag) => certificateDer(forge, bag))
    .map((raw) => new X509Certificate(raw));
  const keys = [...bagsOf(p12, SHROUDED_KEY_BAG), ...bagsOf(p12, KEY_BAG)].map((bag) =>
    keyDer(forge, bag),
  );
  const [keyBytes, extra] = keys;
  if (keyBytes === undefined || extra !== undefined) {
    throw InputError.of(
      Input.Pfx,
      `holds ${keys.length} private keys; it must hold exactly one, with its certificate.`,
    );
  }
  const key = createPrivateKey({ key: keyBytes, format: 'der', type: 'pkcs8' });
  const leaf = certificates.find((cert) => holdsKeyOf(cert, key));
  if (leaf === undefined) {
    throw InputError.of(
      Input.Pfx,
      'holds no certificate that matches its private key. Export the server certificate together with its key.',
    );
  }
  return {
    certificatePem: chainFrom(leaf, certificates)
      .map((cert) => cert.toString())
      .join(''),
    keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** The leaf, then each issuer found in the bundle, stopping at a self-signed root or a missing link. */
function chainFrom(leaf: X509Certificate, all: readonly X509Certificate[]): X509Certificate[] {
  const chain = [leaf];
  for (let cert = leaf; cert.issuer !== cert.subject;) {
    const issuer = all.find(
      (candidate) => !chain.includes(candidate) && candidate.subject === cert.issuer,
    );
    if (issuer === undefined) break;
    chain.push(issuer);
    cert = issuer;
  }
  return chain;
}

function bagsOf(p12: Forge.pkcs12.Pkcs12Pfx, type: string): Forge.pkcs12.Bag[] {
  return p12.getBags({ bagType: type })[type] ?? [];
}

/** A certificate bag's DER: forge's parsed RSA certificate re-encoded, or the raw ASN.1 it kept. */
function certificateDer(forge: typeof Forge, bag: Forge.pkcs12.Bag): Buffer {
  const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/** A key bag's PKCS#8 DER: forge's RSA key wrapped, or the raw PrivateKeyInfo it kept (EC, Ed25519). */
function keyDer(forge: typeof Forge, bag: Forge.pkcs12.Bag): Buffer {
  const asn1 = bag.key
    ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key))
    : bag.asn1;
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
