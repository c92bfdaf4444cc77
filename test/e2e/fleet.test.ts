/**
 * Several hosts on one network, each on its own loopback address, as a
 * domain whose DNS points at several servers: deploy to all in one step
 * (one of them unreachable), check them, and a dry run that changes nothing.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pki, type Issued } from '../helpers/pki.ts';
import { TestHost } from '../helpers/testhost.ts';

let pki: Pki;
let root: Issued;
const hosts: TestHost[] = [];
const SANS = ['DNS:app.test', 'IP:127.0.0.1', 'IP:127.0.0.2', 'IP:127.0.0.3'];
let current: Issued;

beforeAll(() => {
  pki = new Pki();
  root = pki.root('Fleet');
  current = pki.leaf('app.test', root, { sans: SANS });
  const initial = { certPem: current.certPem, keyPem: current.keyPem };
  const first = TestHost.create({ firewall: 'none', initial });
  hosts.push(first);
  for (const address of ['127.0.0.2', '127.0.0.3']) {
    const host = TestHost.create({ firewall: 'none', initial, join: { host: first, address } });
    host.authorizeKeyOf(first);
    hosts.push(host);
  }
});
afterAll(() => {
  for (const host of hosts.reverse()) host.destroy();
  pki.dispose();
});

function fleetInputs(pair: Issued, extra: Record<string, string> = {}): Record<string, string> {
  const [first] = hosts;
  if (first === undefined) throw new Error('no hosts');
  return {
    ...first.connectionInputs(),
    host: hosts.map((host) => host.address).join('\n'),
    'host-fingerprint': hosts.map((host) => host.hostFingerprint).join('\n'),
    certificate: pair.certPem,
    'private-key': pair.keyPem,
    'ca-bundle': root.certPem,
    domains: 'app.test',
    ...extra,
  };
}

const fingerprint = (pair: Issued): string => new X509Certificate(pair.certPem).fingerprint256;

interface HostEntry {
  host: string;
  changed: boolean;
  servedFingerprint?: string;
  rolledBack: boolean;
  error?: string;
  planned?: string[];
}

describe('a fleet of hosts', () => {
  it('dry run: reports what would change on each host and changes nothing', () => {
    const before = hosts.map((host) => host.snapshot());
    const run = hosts[0]?.runAction(
      fleetInputs(pki.leaf('app.test', root, { sans: SANS }), { 'dry-run': 'true' }),
    );
    expect(run?.error).toBeUndefined();
    expect(run?.status).toBe(0);
    const result = JSON.parse(run?.outputs.result ?? '[]') as HostEntry[];
    expect(result.map((entry) => entry.host)).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3']);
    for (const entry of result) {
      expect(entry.planned).toEqual([
        'back up the current pair to /ssl/.backup/',
        'write /ssl/cert.pem and /ssl/cert.key',
        'restart the app via supervisor',
        'probe until the new certificate is served',
      ]);
    }
    expect(run?.summary).toContain('Dry run: nothing was changed');
    expect(hosts.map((host) => host.snapshot())).toEqual(before);
  });

  it('deploys to three hosts while a fourth is unreachable: fails, names it, and the three serve the new pair', () => {
    const next = pki.leaf('app.test', root, { sans: SANS });
    const inputs = fleetInputs(next);
    inputs.host = `${inputs.host ?? ''}\n127.0.0.4`;
    const run = hosts[0]?.runAction(inputs);
    expect(run?.status).toBe(1);
    expect(run?.error).toContain('1 of 4 host(s) failed');
    expect(run?.error).toContain('127.0.0.4:22: the connection to 127.0.0.4:22 was refused');
    for (const host of hosts) expect(host.servedFingerprint('app.test')).toBe(fingerprint(next));
    const result = JSON.parse(run?.outputs.result ?? '[]') as HostEntry[];
    expect(
      result.map((entry) => [
        entry.host,
        entry.changed,
        entry.servedFingerprint,
        entry.rolledBack,
        entry.error === undefined,
      ]),
    ).toEqual([
      ['127.0.0.1', true, fingerprint(next), false, true],
      ['127.0.0.2', true, fingerprint(next), false, true],
      ['127.0.0.3', true, fingerprint(next), false, true],
      ['127.0.0.4', false, undefined, false, false],
    ]);
    current = next;
  });

  it('check mode passes above the threshold, and fails below it with needs-renewal', () => {
    const [first] = hosts;
    const inputs = {
      mode: 'check',
      host: hosts.map((host) => host.address).join(','),
      domains: 'app.test',
      'ca-bundle': root.certPem,
      'probe-timeout': '5',
    };
    const good = first?.runAction(inputs);
    expect(good?.error).toBeUndefined();
    expect(good?.outputs).toMatchObject({
      'needs-renewal': 'false',
      fingerprint: fingerprint(current),
      'days-remaining': '89',
    });
    const reports = JSON.parse(good?.outputs.result ?? '[]') as {
      host: string;
      fingerprint: string;
      chainVerified: boolean;
      issuer: string;
    }[];
    expect(reports).toHaveLength(3);
    for (const report of reports)
      expect(report).toMatchObject({
        fingerprint: fingerprint(current),
        chainVerified: true,
        issuer: 'CN=Fleet Root CA',
      });
    expect(good?.summary).toContain('Certificates check out');

    const bad = first?.runAction({ ...inputs, 'min-days-remaining': '100' });
    expect(bad?.status).toBe(1);
    expect(bad?.outputs['needs-renewal']).toBe('true');
    expect(bad?.error).toContain(
      'https://127.0.0.2:443 (SNI app.test): it expires in 89 days, fewer than min-days-remaining (100); renew it.',
    );
  });

  it('check mode without host probes each domain through its DNS', () => {
    const run = hosts[0]?.runAction(
      { mode: 'check', domains: 'app.test', 'ca-bundle': root.certPem, 'probe-timeout': '5' },
      { resolveNames: true },
    );
    expect(run?.error).toBeUndefined();
    const reports = JSON.parse(run?.outputs.result ?? '[]') as {
      address: string;
      fingerprint: string;
    }[];
    expect(reports).toEqual([
      expect.objectContaining({ address: 'app.test', fingerprint: fingerprint(current) }),
    ]);
  });

  it('check mode fails on a chain that does not verify', () => {
    const run = hosts[0]?.runAction({
      mode: 'check',
      host: '127.0.0.1',
      domains: 'app.test',
      'probe-timeout': '5',
    });
    expect(run?.status).toBe(1);
    expect(run?.outputs['needs-renewal']).toBe('true');
    expect(run?.error).toContain('its chain does not verify');
  });

  it('check mode warns when a server behind the name serves another certificate', () => {
    const stray = pki.leaf('app.test', root, { sans: SANS });
    const third = hosts[2];
    if (third === undefined) throw new Error('no third host');
    // By hand, as someone who forgot this server would have left it.
    third.run(['sh', '-c', 'cat > /ssl/cert.pem'], stray.certPem);
    third.run(['sh', '-c', 'cat > /ssl/cert.key'], stray.keyPem);
    third.run(['supervisorctl', 'restart', 'flaskapp']);
    const run = hosts[0]?.runAction({
      mode: 'check',
      host: hosts.map((host) => host.address).join(','),
      domains: 'app.test',
      'ca-bundle': root.certPem,
      'probe-timeout': '10',
    });
    expect(run?.status).toBe(0);
    expect(run?.stdout).toContain(
      `::warning::servers serve different certificates for app.test: 127.0.0.1 serves ${fingerprint(current)}`,
    );
    expect(run?.stdout).toContain(`127.0.0.3 serves ${fingerprint(stray)}`);
  });
});
