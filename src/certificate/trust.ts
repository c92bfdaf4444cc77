import { X509Certificate } from 'node:crypto';
import { isNamedIssuer } from './describe.js';

/**
 * The trust anchors: the user's `ca-bundle` first, then the public roots
 * that Node ships (given as PEM, parsed only when a chain needs them).
 */
export class TrustStore {
  private systemAnchors: X509Certificate[] | undefined;

  constructor(
    readonly userAnchors: readonly X509Certificate[],
    private readonly systemPems: readonly string[],
  ) {}

  /** Whether this very certificate is an anchor. */
  contains(cert: X509Certificate): boolean {
    return this.anchors().some((anchor) => anchor.raw.equals(cert.raw));
  }

  /** Whether this very certificate is in the user's ca-bundle. */
  containsUserAnchor(cert: X509Certificate): boolean {
    return this.userAnchors.some((anchor) => anchor.raw.equals(cert.raw));
  }

  /** The anchors whose subject is the certificate's issuer. */
  namedIssuersOf(cert: X509Certificate): X509Certificate[] {
    return this.anchors().filter((anchor) => isNamedIssuer(cert, anchor));
  }

  private anchors(): readonly X509Certificate[] {
    this.systemAnchors ??= this.systemPems.map((pem) => new X509Certificate(pem));
    return [...this.userAnchors, ...this.systemAnchors];
  }
}
