import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import { loadUndici } from './undici.js';

/** What one HTTPS request to the server showed. */
export interface Observation {
  /** SHA-256 of the served leaf, colon-separated upper-case hex. */
  readonly fingerprint: string;
  /** e.g. TLSv1.3 */
  readonly tlsVersion: string;
  /** Whether the served chain verifies against the trust anchors. */
  readonly chainError?: string;
  /** Whether the served leaf names the domain. */
  readonly nameError?: string;
  /** The served leaf itself. */
  readonly leaf: X509Certificate;
}

export interface ObserveOptions {
  /** Where to connect: an address or host name. */
  readonly address: string;
  readonly port: number;
  /** Sent as SNI (unless an IP) and as the Host header, like curl --resolve. */
  readonly domain: string;
  /** PEM trust anchors: Node's roots and ca-bundle. */
  readonly ca: readonly string[];
  readonly timeoutMs: number;
}

/**
 * One HTTPS GET / to the server with undici, reading the peer certificate
 * from the TLS socket. TLS sessions are never resumed (a resumed session
 * shows no peer certificate), and verification is done here rather than by
 * refusing the handshake, so that even an untrusted certificate is seen.
 */
export async function observe(options: ObserveOptions): Promise<Observation> {
  const { Client, buildConnector } = await loadUndici();
  const servername = isIP(options.domain) === 0 ? options.domain : undefined;
  const connector = buildConnector({
    rejectUnauthorized: false,
    maxCachedSessions: 0,
    timeout: options.timeoutMs,
    ca: [...options.ca],
    ...(servername === undefined ? {} : { servername }),
  });
  let handshake: Handshake | undefined;
  const client = new Client(`https://${urlHost(options.address)}:${options.port}`, {
    connect: (connectOptions, callback) => {
      connector(
        { ...connectOptions, ...(servername === undefined ? {} : { servername }) },
        (...result) => {
          // Read now: once the request is done the socket is gone, and with it the peer certificate.
          if (result[0] === null) handshake = readHandshake(result[1] as TLSSocket);
          callback(...result);
        },
      );
    },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    pipelining: 0,
  });
  try {
    const response = await client.request({
      path: '/',
      method: 'GET',
      headers: { host: hostHeader(options.domain, options.port) },
    });
    await response.body.dump();
    if (handshake === undefined) throw new Error('no TLS handshake was seen');
    return describeHandshake(handshake, options.domain);
  } finally {
    await client.destroy().catch(() => undefined);
  }
}

/** What the TLS handshake showed, read from the socket as soon as it connected. */
interface Handshake {
  readonly peer: PeerCertificate | undefined;
  readonly protocol: string;
  readonly chainError?: string;
}

function readHandshake(socket: TLSSocket): Handshake {
  const peer = socket.getPeerCertificate(true) as PeerCertificate | null | undefined;
  const usable = peer !== null && peer !== undefined && Boolean(peer.fingerprint256);
  return {
    peer: usable ? peer : undefined,
    protocol: String(socket.getProtocol()),
    ...(socket.authorized ? {} : { chainError: String(socket.authorizationError) }),
  };
}

function describeHandshake(handshake: Handshake, domain: string): Observation {
  if (handshake.peer === undefined) throw new Error('the server sent no certificate');
  const nameError = checkServerIdentity(domain, handshake.peer);
  return {
    fingerprint: handshake.peer.fingerprint256,
    tlsVersion: handshake.protocol,
    ...(handshake.chainError === undefined ? {} : { chainError: handshake.chainError }),
    ...(nameError === undefined ? {} : { nameError: nameError.message }),
    leaf: new X509Certificate(handshake.peer.raw),
  };
}

function urlHost(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

function hostHeader(domain: string, port: number): string {
  const host = urlHost(domain);
  return port === 443 ? host : `${host}:${port}`;
}
