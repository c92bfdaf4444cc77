import type { X509Certificate } from 'node:crypto';

/**
 * Signature algorithms that no longer protect anything: a collision can be
 * bought, so browsers refuse them. Keyed by OID, named for messages.
 */
const WEAK_SIGNATURES: ReadonlyMap<string, string> = new Map([
  ['1.2.840.113549.1.1.2', 'MD2 with RSA'],
  ['1.2.840.113549.1.1.4', 'MD5 with RSA'],
  ['1.2.840.113549.1.1.5', 'SHA-1 with RSA'],
  ['1.3.14.3.2.29', 'SHA-1 with RSA'],
  ['1.2.840.10045.4.1', 'ECDSA with SHA-1'],
  ['1.2.840.10040.4.3', 'DSA with SHA-1'],
]);

/** The name of the certificate's signature algorithm when it is a weak one. */
export function weakSignature(cert: X509Certificate): string | undefined {
  return WEAK_SIGNATURES.get(signatureAlgorithmOid(cert.raw));
}

/**
 * The OID of a certificate's outer signatureAlgorithm, read from its DER:
 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }.
 * Node 20's X509Certificate does not expose it.
 */
export function signatureAlgorithmOid(der: Buffer): string {
  const certificate = readHeader(der, 0, 0x30);
  const tbs = readHeader(der, certificate.contentStart, 0x30);
  const algorithm = readHeader(der, tbs.contentEnd, 0x30);
  const oid = readHeader(der, algorithm.contentStart, 0x06);
  return decodeOid(der.subarray(oid.contentStart, oid.contentEnd));
}

interface Header {
  readonly contentStart: number;
  readonly contentEnd: number;
}

/** Reads one DER tag and length at `at`, checking the tag and the bounds. */
function readHeader(der: Buffer, at: number, tag: number): Header {
  if (der[at] !== tag) throw new Error(`DER: expected tag ${tag} at ${at}`);
  const first = der[at + 1];
  if (first === undefined) throw new Error('DER: truncated');
  let length = first;
  let contentStart = at + 2;
  if (first & 0x80) {
    const octets = first & 0x7f;
    if (octets === 0 || octets > 4) throw new Error('DER: unsupported length');
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (der[contentStart + i] ?? 0);
    contentStart += octets;
  }
  const contentEnd = contentStart + length;
  if (contentEnd > der.length) throw new Error('DER: length past the end');
  return { contentStart, contentEnd };
}

function decodeOid(bytes: Buffer): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  const [first = 0, ...rest] = arcs;
  const top = Math.min(Math.floor(first / 40), 2);
  return [top, first - top * 40, ...rest].join('.');
}
