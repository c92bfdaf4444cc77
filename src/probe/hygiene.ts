import { isIP } from 'node:net';
import { connect } from 'node:tls';

/** Whether the server still accepts TLS 1.0/1.1: `refused` is what we want. */
export type LegacyTls = 'refused' | 'accepted';
/** What plain http:// on port 80 does: redirect to https, serve without redirect, or not answer. */
export type HttpRedirect = 'redirects' | 'no-redirect' | 'closed';

const CHECK_TIMEOUT_MS = 2000;
/**
 * The http:// check starts with the deploy and must not outlast it: a port 80
 * that gives no answer within 1 s (a firewall dropping it) counts as closed,
 * where a server that answers does so in a few round trips.
 */
const HTTP_CHECK_TIMEOUT_MS = 1000;

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

/**
 * GET http://address/ with Host set to the domain: does it send the browser
 * to https? Node's own http client is enough for one plain request, and it
 * keeps undici off the start of the run (see undici.ts).
 */
export function checkHttpRedirect(
  address: string,
  domain: string,
  port = 80,
): Promise<HttpRedirect> {
  // Not a static import: importing node:http as an ES module evaluates all its
  // exports, WebSocket among them, which loads Node's own undici (about 20 ms).
  // process.getBuiltinModule needs Node 20.16 or later, hence package.json's engines.
  const { get: httpGet } = process.getBuiltinModule('node:http');
  return new Promise((resolve) => {
    const request = httpGet(
      {
        host: address,
        port,
        path: '/',
        headers: { host: isIP(domain) === 6 ? `[${domain}]` : domain },
        agent: false,
        timeout: HTTP_CHECK_TIMEOUT_MS,
      },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        const redirects =
          status >= 300 &&
          status < 400 &&
          response.headers.location?.startsWith('https://') === true;
        request.destroy();
        resolve(redirects ? 'redirects' : 'no-redirect');
      },
    );
    request.once('timeout', () => {
      request.destroy();
      resolve('closed');
    });
    request.once('error', () => {
      resolve('closed');
    });
  });
}
