import type { KeyObject, X509Certificate } from 'node:crypto';

/**
 * A distinguished name on one line, most specific part first, the way
 * browsers show it: "CN=R3, O=Let's Encrypt, C=US". Node gives one
 * attribute per line, least specific first.
 */
export function oneLineName(name: string): string {
  return name.split('\n').filter(Boolean).reverse().join(', ');
}

/** A certificate as messages name it: its subject and the start of its fingerprint. */
export function describeCertificate(cert: X509Certificate): string {
  return `"${oneLineName(cert.subject)}" (SHA-256 ${cert.fingerprint256.slice(0, 23)}…)`;
}

/**
 * Whether `issuer`'s subject is the certificate's issuer name. Node's
 * checkIssued is not used: it also demands the keyCertSign key usage, which
 * would make a non-CA issuer look like a stranger instead of the wrong kind
 * of certificate, and it verifies no signature anyway.
 */
export function isNamedIssuer(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.issuer === issuer.subject;
}

/**
 * Whether `issuer`'s key verifies the certificate's signature. A key that
 * OpenSSL cannot even decode (a damaged certificate) verifies nothing.
 */
export function isSignedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** Whether the private key belongs to the certificate; an undecodable key belongs to none. */
export function holdsKeyOf(cert: X509Certificate, key: KeyObject): boolean {
  try {
    return cert.checkPrivateKey(key);
  } catch {
    return false;
  }
}

/** True when a certificate names itself as issuer and its own key verifies its signature. */
export function isSelfSigned(cert: X509Certificate): boolean {
  return isNamedIssuer(cert, cert) && isSignedBy(cert, cert);
}

/** The address where the issuer's certificate can be downloaded, if the certificate says. */
export function issuerDownloadUrl(cert: X509Certificate): string | undefined {
  return /CA Issuers - URI:(\S+)/.exec(cert.infoAccess ?? '')?.[1];
}
