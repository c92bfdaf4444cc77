import type { X509Certificate } from 'node:crypto';
import { Input } from '../constants.js';
import { InputError, collectProblems, type Problem } from '../errors.js';
import type { Domain } from '../inputs/domains.js';
import type { CertificateSettings, Material } from '../inputs/settings.js';
import { chainProblems, leafProblems, type ChainEntry } from './chain.js';
import { subjectAltNames, uncoveredDomains, type SubjectAltName } from './coverage.js';
import { keyMatchProblems, privateKeyStrengthProblems } from './key.js';
import { parseCertificates, parsePrivateKey, type ParsedKey } from './parse.js';
import { TrustStore } from './trust.js';
import { daysRemaining, validityPeriod, validityProblem } from './validity.js';

/** What the gate needs besides the settings; passed in so that the gate does no I/O. */
export interface GateContext {
  readonly now: Date;
  /** PEM roots trusted besides ca-bundle: Node's `tls.rootCertificates`. */
  readonly systemRoots: readonly string[];
}

/** What the outputs and the summary say about the leaf. */
export interface CertificateFacts {
  /** SHA-256 of the leaf's DER, colon-separated upper-case hex. */
  readonly fingerprint: string;
  readonly serial: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notAfter: Date;
  readonly daysRemaining: number;
  /** The leaf's DNS and IP subjectAltNames. */
  readonly sans: readonly string[];
}

/** A certificate and key that passed every rule: what the deploy installs. */
export interface ValidatedBundle {
  readonly leaf: X509Certificate;
  /** The leaf and then its intermediates, as the server must send them. */
  readonly fullchainPem: string;
  /** The private key, unencrypted (a secret: mask it). */
  readonly keyPem: string;
  readonly trust: TrustStore;
  readonly facts: CertificateFacts;
}

/**
 * The certificate gate: every rule a certificate and key must pass before a
 * server is touched. Throws one InputError listing every problem found.
 */
export function validateBundle(
  settings: CertificateSettings,
  context: GateContext,
): ValidatedBundle {
  const parsed = parseAll(settings, context);
  const { entries, key, trust } = parsed;
  const leaf = entries[0] as ChainEntry;
  const sans = subjectAltNames(leaf.cert);
  const validity = validityProblem(leaf.cert, context.now, settings.minDaysRemaining);
  const problems: Problem[] = [
    ...keyMatchProblems(
      key.key,
      entries.map((entry) => entry.cert),
    ),
    ...privateKeyStrengthProblems(key.key),
    ...leafProblems(leaf),
    ...coverageProblems(sans, settings.domains),
    ...(validity === undefined
      ? []
      : [{ input: leaf.input, message: `the certificate ${validity}` }]),
    ...chainProblems(entries, trust, context.now),
  ];
  if (problems.length > 0) throw new InputError(problems);
  return {
    leaf: leaf.cert,
    fullchainPem: entries.map((entry) => entry.cert.toString()).join(''),
    keyPem: key.pem,
    trust,
    facts: {
      fingerprint: leaf.cert.fingerprint256,
      serial: leaf.cert.serialNumber,
      subject: leaf.cert.subject,
      issuer: leaf.cert.issuer,
      notAfter: validityPeriod(leaf.cert).notAfter,
      daysRemaining: daysRemaining(leaf.cert, context.now),
      sans: sans.map((san) => san.name),
    },
  };
}

interface ParsedBundle {
  readonly entries: readonly ChainEntry[];
  readonly key: ParsedKey;
  readonly trust: TrustStore;
}

/** Parses every input, reporting the problems of all of them at once. */
function parseAll(settings: CertificateSettings, context: GateContext): ParsedBundle {
  const problems: Problem[] = [];
  const attempt = <T>(parse: () => T): T | undefined => collectProblems(problems, parse);
  const certificates = (material: Material | undefined): ChainEntry[] | undefined =>
    material === undefined
      ? []
      : attempt(() => parseCertificates(material).map((cert) => ({ cert, input: material.input })));
  const leafAndMore = certificates(settings.certificate);
  const chain = certificates(settings.chain);
  const anchors = certificates(settings.caBundle);
  const key = attempt(() => parsePrivateKey(settings.privateKey, settings.privateKeyPassphrase));
  if (!leafAndMore || !chain || !anchors || !key) throw new InputError(problems);
  return {
    entries: [...leafAndMore, ...chain],
    key,
    trust: new TrustStore(
      anchors.map((entry) => entry.cert),
      context.systemRoots,
    ),
  };
}

function coverageProblems(sans: readonly SubjectAltName[], domains: readonly Domain[]): Problem[] {
  const missing = uncoveredDomains(sans, domains);
  if (missing.length === 0) return [];
  const covered =
    sans.length === 0
      ? 'no name at all (it has no subjectAltName; browsers ignore the subject CN)'
      : sans.map((san) => san.name).join(', ');
  return [
    {
      input: Input.Domains,
      message: `the certificate does not cover ${missing.map((domain) => domain.name).join(', ')}. It covers: ${covered}. A wildcard such as *.example.com covers exactly one label (www.example.com), never example.com itself nor a.b.example.com. Get a certificate that lists these names, or remove them from '${Input.Domains}'.`,
    },
  ];
}
