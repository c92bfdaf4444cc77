/**
 * A deploy through a jump host to a server the runner cannot reach directly:
 * the runner's own SSH traffic to the server is dropped (an owner match on
 * root, the runner's user), while the bastion's sshd, forwarding as the
 * deploy user, gets through.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pki, type Issued } from '../helpers/pki.ts';
import { TestHost } from '../helpers/testhost.ts';

let pki: Pki;
let root: Issued;
let bastion: TestHost;
let server: TestHost;

beforeAll(() => {
  pki = new Pki();
  root = pki.root('Jump');
  bastion = TestHost.create({ firewall: 'none' });
  server = TestHost.create({ firewall: 'none', join: { host: bastion, address: '127.0.0.2' } });
  server.authorizeKeyOf(bastion);
  bastion.run(
    ['nft', '-f', '-'],
    'table inet jail { chain out { type filter hook output priority 0; meta skuid 0 ip daddr 127.0.0.2 tcp dport 22 drop; }; }\n',
  );
});
afterAll(() => {
  server.destroy();
  bastion.destroy();
  pki.dispose();
});

describe('a jump host', () => {
  function inputs(pair: Issued): Record<string, string> {
    return {
      ...bastion.connectionInputs(),
      host: server.address,
      'host-fingerprint': server.hostFingerprint,
      certificate: pair.certPem,
      'private-key': pair.keyPem,
      'ca-bundle': root.certPem,
      domains: 'app.test',
      'connect-timeout': '3',
    };
  }

  it('is needed: the server cannot be reached directly', () => {
    const run = bastion.runAction(inputs(pki.leaf('app.test', root)));
    expect(run.status).toBe(1);
    expect(run.error).toContain('127.0.0.2:22 did not complete the SSH handshake within 3 s');
  });

  it('tunnels the deploy to the server, checking both host keys', () => {
    const pair = pki.leaf('app.test', root);
    const wrongPin = bastion.runAction({
      ...inputs(pair),
      'proxy-host': bastion.address,
      'proxy-host-fingerprint': server.hostFingerprint,
    });
    expect(wrongPin.status).toBe(1);
    expect(wrongPin.error).toContain(
      `the host key of the jump host 127.0.0.1:22 is ${bastion.hostFingerprint}`,
    );

    const run = bastion.runAction({
      ...inputs(pair),
      'proxy-host': bastion.address,
      'proxy-host-fingerprint': bastion.hostFingerprint,
    });
    expect(run.error).toBeUndefined();
    expect(run.outputs['served-fingerprint']).toBe(
      new X509Certificate(pair.certPem).fingerprint256,
    );
    expect(server.servedFingerprint('app.test')).toBe(
      new X509Certificate(pair.certPem).fingerprint256,
    );
    expect(bastion.servedFingerprint('app.test')).toBe('');
  });
});
