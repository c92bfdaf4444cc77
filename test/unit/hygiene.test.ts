/**
 * The http:// redirect check against local HTTP servers standing in for the
 * app's port 80: a redirect to https, a page served without one, a closed
 * port, and a port that accepts but never answers.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkHttpRedirect } from '../../src/probe/hygiene.js';

const servers: { close: () => void }[] = [];

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({ close: () => server.close() });
  return (server.address() as AddressInfo).port;
}

afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

describe('the http:// redirect check', () => {
  it('sees a redirect to https, and sends the domain as Host', async () => {
    let host: string | undefined;
    const port = await listen(
      createServer((request, response) => {
        host = request.headers.host;
        response.writeHead(301, { location: 'https://app.example/' }).end();
      }),
    );
    expect(await checkHttpRedirect('127.0.0.1', 'app.example', port)).toBe('redirects');
    expect(host).toBe('app.example');
  });

  it('tells a page served without a redirect, or with one to plain http', async () => {
    const page = await listen(createServer((_request, response) => response.end('hello')));
    expect(await checkHttpRedirect('127.0.0.1', 'app.example', page)).toBe('no-redirect');
    const toHttp = await listen(
      createServer((_request, response) => {
        response.writeHead(302, { location: 'http://app.example/other' }).end();
      }),
    );
    expect(await checkHttpRedirect('127.0.0.1', 'app.example', toHttp)).toBe('no-redirect');
  });

  it('reports a closed port, and a port that never answers, as closed', async () => {
    const closed = await listen(createServer());
    servers.pop()?.close();
    expect(await checkHttpRedirect('127.0.0.1', 'app.example', closed)).toBe('closed');
    const silent = await listen(createTcpServer(() => undefined));
    expect(await checkHttpRedirect('127.0.0.1', 'app.example', silent)).toBe('closed');
  });
});
