import type { X509Certificate } from 'node:crypto';
import { Input, OID_ANY_EKU, OID_SERVER_AUTH } from '../constants.js';
import type { Problem } from '../errors.js';
import {
  describeCertificate,
  isNamedIssuer,
  isSelfSigned,
  issuerDownloadUrl,
  oneLineName,
  isSignedBy,
} from './describe.js';
import { publicKeyWeakness } from './key.js';
import { weakSignature } from './signature.js';
import type { TrustStore } from './trust.js';
import { validityProblem } from './validity.js';

/** A certificate of the bundle and the input it came from, for messages. */
export interface ChainEntry {
  readonly cert: X509Certificate;
  readonly input: Input;
}

/** Whether the first certificate can serve as a TLS server's own certificate. */
export function leafProblems(leaf: ChainEntry): Problem[] {
  const problems: string[] = [];
  if (leaf.cert.ca) {
    problems.push(
      `the first certificate, ${describeCertificate(leaf.cert)}, is a CA certificate (basicConstraints CA:TRUE), not a server certificate. Put the server's own certificate first; a self-made one needs "-addext basicConstraints=critical,CA:FALSE".`,
    );
  }
  const usages = leaf.cert.keyUsage as string[] | undefined;
  if (usages !== undefined && !usages.includes(OID_SERVER_AUTH) && !usages.includes(OID_ANY_EKU)) {
    problems.push(
      `the certificate ${describeCertificate(leaf.cert)} is not for TLS servers: its extended key usage lacks serverAuth. Have it issued as a server (TLS web server) certificate.`,
    );
  }
  return problems.map((message) => ({ input: leaf.input, message }));
}

/**
 * Checks the bundle as a chain: leaf first, each certificate issued by the
 * next one by name and by signature, intermediates being valid CAs of decent
 * strength, and the last one trusted or issued by a trust anchor.
 */
export function chainProblems(
  entries: readonly ChainEntry[],
  trust: TrustStore,
  now: Date,
): Problem[] {
  const [leaf] = entries;
  if (leaf === undefined) return [];
  if (entries.length === 1 && isSelfSigned(leaf.cert)) return selfSignedLeafProblems(leaf, trust);
  const problems: Problem[] = [];
  for (let i = 0; i + 1 < entries.length; i++) {
    const child = entries[i] as ChainEntry;
    const parent = entries[i + 1] as ChainEntry;
    const link = linkProblem(child.cert, parent.cert, i + 1);
    if (link !== undefined) return [...problems, { input: parent.input, message: link }];
    problems.push(...intermediateProblems(parent, i + 2, now));
  }
  problems.push(...signatureProblems(entries));
  const last = entries[entries.length - 1] as ChainEntry;
  const anchor = anchorProblem(last.cert, entries.length, trust);
  if (anchor !== undefined)
    problems.push({ input: anchor.input ?? last.input, message: anchor.message });
  return problems;
}

/** A self-signed leaf is trusted only when the user named it in ca-bundle. */
function selfSignedLeafProblems(leaf: ChainEntry, trust: TrustStore): Problem[] {
  if (trust.containsUserAnchor(leaf.cert)) return [];
  return [
    {
      input: leaf.input,
      message: `the certificate ${describeCertificate(leaf.cert)} is self-signed, so no browser trusts it. Use a certificate from a CA, or, for a private setup where clients trust it, also pass it in '${Input.CaBundle}'.`,
    },
  ];
}

/** Why `parent` (at position + 1) did not issue `child` (at position), or undefined. */
function linkProblem(
  child: X509Certificate,
  parent: X509Certificate,
  position: number,
): string | undefined {
  if (!isNamedIssuer(child, parent)) {
    return `certificate ${position + 1}, ${describeCertificate(parent)}, did not issue certificate ${position}, whose issuer is "${oneLineName(child.issuer)}". Order the bundle leaf first, each certificate followed by its issuer, and leave out unrelated certificates.`;
  }
  if (!isSignedBy(child, parent)) {
    return `certificate ${position + 1}, ${describeCertificate(parent)}, has the right name but its key does not verify the signature of certificate ${position}. It is another CA certificate of the same name (for example a reissued intermediate); use the one that issued this certificate.`;
  }
  return undefined;
}

/** An intermediate (or included root) must be a CA, valid now, with a strong key. */
function intermediateProblems(entry: ChainEntry, position: number, now: Date): Problem[] {
  const described = `certificate ${position} of the chain, ${describeCertificate(entry.cert)},`;
  const messages: string[] = [];
  if (!entry.cert.ca)
    messages.push(
      `${described} is not a CA certificate, so it cannot issue another. Pass only the leaf and its CA certificates.`,
    );
  const validity = validityProblem(entry.cert, now, 0);
  if (validity !== undefined) messages.push(`${described} ${validity}`);
  const weakness = publicKeyWeakness(entry.cert);
  if (weakness !== undefined) messages.push(`${described} is weak: ${weakness}`);
  return messages.map((message) => ({ input: entry.input, message }));
}

/** SHA-1 or older signatures anywhere but on a self-signed root (whose signature nobody checks). */
function signatureProblems(entries: readonly ChainEntry[]): Problem[] {
  return entries.flatMap((entry, index): Problem[] => {
    const weak = weakSignature(entry.cert);
    if (weak === undefined || (index > 0 && isSelfSigned(entry.cert))) return [];
    return [
      {
        input: entry.input,
        message: `certificate ${index + 1}, ${describeCertificate(entry.cert)}, is signed with ${weak}, which browsers refuse. Have it reissued with SHA-256 or better.`,
      },
    ];
  });
}

/** Why the last certificate does not lead to a trust anchor, or undefined. */
function anchorProblem(
  last: X509Certificate,
  count: number,
  trust: TrustStore,
): { input?: Input; message: string } | undefined {
  if (trust.contains(last)) return undefined;
  if (isSelfSigned(last)) {
    return {
      message: `the chain ends at the root ${describeCertificate(last)}, which is not trusted. If it is your private CA, pass it in '${Input.CaBundle}'.`,
    };
  }
  const named = trust.namedIssuersOf(last);
  if (named.some((anchor) => isSignedBy(last, anchor))) return undefined;
  if (named.length > 0) {
    return {
      message: `certificate ${count} names a trusted issuer, "${oneLineName(last.issuer)}", but that CA's key does not verify its signature. The certificate is forged or damaged; get it again from the CA.`,
    };
  }
  const url = issuerDownloadUrl(last);
  const download =
    url === undefined ? '' : ` The certificate says it can be downloaded from ${url}.`;
  const held = count === 1 ? 'The certificate holds the leaf only. ' : '';
  return {
    input: Input.Chain,
    message: `the chain is incomplete: the issuer "${oneLineName(last.issuer)}" of certificate ${count} is missing, and it is not a trusted root. ${held}Pass the intermediate certificate(s) in '${Input.Chain}', or use the CA's full-chain file as '${Input.Certificate}'; a private CA's root goes in '${Input.CaBundle}'.${download}`,
  };
}
