/**
 * Hosts that never become SSH servers: a port that accepts TCP but never
 * sends a banner, and a port nobody listens on. Both must fail the step
 * with a clear error, bounded by connect-timeout and the retry schedule.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../helpers/action.ts';
import { Pki, type Issued } from '../helpers/pki.ts';

let pki: Pki;
let root: Issued;
let pair: Issued;
let silent: Server;
let sshKey: string;
const sockets: Socket[] = [];

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

beforeAll(() => {
  pki = new Pki();
  root = pki.root('Connect');
  pair = pki.leaf('localhost', root);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(pki.dir, 'id')]);
  sshKey = readFileSync(join(pki.dir, 'id'), 'utf8');
  silent = createServer((socket) => sockets.push(socket));
});
afterAll(() => {
  for (const socket of sockets) socket.destroy();
  silent.close();
  pki.dispose();
});

function inputs(port: number): Record<string, string> {
  return {
    certificate: pair.certPem,
    'private-key': pair.keyPem,
    'ca-bundle': root.certPem,
    domains: 'localhost',
    host: `127.0.0.1:${port}`,
    username: 'deploy',
    'ssh-key': sshKey,
    'host-fingerprint': 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
    service: 'flaskapp',
    'connect-timeout': '2',
  };
}

describe('unreachable SSH hosts', () => {
  it('gives up on a host that accepts TCP but never speaks SSH, within connect-timeout', async () => {
    const port = await listen(silent);
    const started = Date.now();
    const run = runAction(inputs(port), { timeoutMs: 60_000 });
    expect(run.status).toBe(1);
    expect(run.error).toContain(
      `127.0.0.1:${port}: 127.0.0.1:${port} did not complete the SSH handshake within 2 s (connect-timeout)`,
    );
    // Generous: the bound is 2 s plus Node's start; a hang would hit the 60 s limit above.
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('retries a refused connection a few times, then says it was refused', async () => {
    const closed = createServer();
    const port = await listen(closed);
    closed.close();
    const run = runAction(inputs(port), { timeoutMs: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stdout.match(/trying again in/g)).toHaveLength(3);
    expect(run.error).toContain(`the connection to 127.0.0.1:${port} was refused (ECONNREFUSED)`);
  });
});
