import { isIP } from 'node:net';
import { connect } from 'node:tls';
import { Client } from 'undici';

/** Whether the server still accepts TLS 1.0/1.1: `refused` is what we want. */
export type LegacyTls = 'refused' | 'accepted';
/** What plain http:// on port 80 does: redirect to https, serve without redirect, or not answer. */
export type HttpRedirect = 'redirects' | 'no-redirect' | 'closed';

const CHECK_TIMEOUT_MS = 2000;

/**
 * Offers only TLS 1.0 and 1.1 (with OpenSSL's security level lowered so the
 * client may offer them at all) and reports whether the server agrees.
 */
export function checkLegacyTls(address: string, port: number, domain: string): Promise<LegacyTls> {
  return new Promise((resolve) => {
    const socket = connect({
      host: address,
      port,
      ...(isIP(domain) === 0 ? { servername: domain } : {}),
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT@SECLEVEL=0',
      rejectUnauthorized: false,
      timeout: CHECK_TIMEOUT_MS,
    });
    const done = (result: LegacyTls): void => {
      socket.destroy();
      resolve(result);
    };
    socket.once('secureConnect', () => {
      done('accepted');
    });
    socket.once('error', () => {
      done('refused');
    });
    socket.once('timeout', () => {
      done('refused');
    });
  });
}

/** GET http://address/ with Host set to the domain: does it send the browser to https? */
export async function checkHttpRedirect(address: string, domain: string): Promise<HttpRedirect> {
  const host = isIP(address) === 6 ? `[${address}]` : address;
  // A firewall that drops port 80 must cost the check seconds, not undici's default 10 s connect timeout.
  const client = new Client(`http://${host}:80`, {
    connectTimeout: CHECK_TIMEOUT_MS,
    headersTimeout: CHECK_TIMEOUT_MS,
    bodyTimeout: CHECK_TIMEOUT_MS,
  });
  try {
    const response = await client.request({
      path: '/',
      method: 'GET',
      headers: { host: isIP(domain) === 6 ? `[${domain}]` : domain },
    });
    await response.body.dump();
    const location = response.headers.location;
    const target = Array.isArray(location) ? location[0] : location;
    return response.statusCode >= 300 &&
      response.statusCode < 400 &&
      target?.startsWith('https://') === true
      ? 'redirects'
      : 'no-redirect';
  } catch {
    return 'closed';
  } finally {
    await client.destroy().catch(() => undefined);
  }
}
