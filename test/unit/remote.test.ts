import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Firewall, ServiceManager } from '../../src/constants.js';
import type { RemoteSettings } from '../../src/inputs/settings.js';
import {
  blocksPort,
  FirewallError,
  iptablesActive,
  nftInputChains,
  planFirewall,
} from '../../src/remote/firewall.js';
import { fingerprintOf, hostKeyAccepted, hostMatches } from '../../src/remote/host-key.js';
import { parseScriptOutput } from '../../src/remote/output.js';
import { readPreflight } from '../../src/remote/preflight.js';
import { chooseRestart, ServiceError } from '../../src/remote/service.js';

// `nft list ruleset` on a host with an nftables drop policy and an iptables-nft table beside it.
const RULESET = `table inet filter {
\tchain input {
\t\ttype filter hook input priority filter; policy drop;
\t\tct state established,related accept
\t\ttcp dport 22 accept
\t}
\tchain forward {
\t\ttype filter hook forward priority filter; policy drop;
\t}
}
table ip filter {
\tchain INPUT {
\t\ttype filter hook input priority filter; policy drop;
\t\ttcp dport 22 counter packets 0 bytes 0 accept
\t}
}`.split('\n');

describe('nftables', () => {
  it("finds nftables' own input chains and leaves iptables-nft's tables to iptables", () => {
    expect(
      nftInputChains(RULESET).map((chain) => [
        chain.family,
        chain.table,
        chain.chain,
        chain.policyDrop,
      ]),
    ).toEqual([['inet', 'filter', 'input', true]]);
  });

  it('inserts only where port 443 is blocked, so a rerun adds no rule', () => {
    expect(
      planFirewall(
        Firewall.Auto,
        { firewalldRunning: false, ufwActive: false, nftRuleset: RULESET },
        443,
      ),
    ).toEqual({
      backend: Firewall.Nftables,
      nftChains: ['inet/filter/input'],
      act: true,
    });
    const opened = RULESET.map((line) =>
      line.includes('ct state') ? `\t\ttcp dport 443 accept\n${line}` : line,
    )
      .join('\n')
      .split('\n');
    expect(
      planFirewall(
        Firewall.Nftables,
        { firewalldRunning: false, ufwActive: false, nftRuleset: opened },
        443,
      ).act,
    ).toBe(false);
  });

  it('sees that an accept after a drop rule does not open the port', () => {
    const chain = {
      family: 'inet',
      table: 'filter',
      chain: 'input',
      policyDrop: false,
      rules: ['tcp dport 0-1023 drop', 'tcp dport 443 accept'],
    };
    expect(blocksPort(chain, 443)).toBe(true);
    expect(blocksPort({ ...chain, rules: ['tcp dport { 80, 443 } accept', 'drop'] }, 443)).toBe(
      false,
    );
    expect(
      blocksPort({ ...chain, rules: ['ip saddr 10.0.0.0/8 tcp dport 443 accept', 'drop'] }, 443),
    ).toBe(true);
    expect(blocksPort({ ...chain, rules: [] }, 443)).toBe(false);
  });

  it('refuses a backend that is not installed', () => {
    expect(() =>
      planFirewall(Firewall.Nftables, { firewalldRunning: false, ufwActive: false }, 443),
    ).toThrow(FirewallError);
  });
});

describe('firewall detection order', () => {
  const none = { firewalldRunning: false, ufwActive: false };
  it.each([
    [{ ...none, firewalldRunning: true, ufwActive: true, nftRuleset: RULESET }, Firewall.Firewalld],
    [{ ...none, ufwActive: true, nftRuleset: RULESET }, Firewall.Ufw],
    [{ ...none, nftRuleset: RULESET, iptablesInput: ['-P INPUT DROP'] }, Firewall.Nftables],
    [{ ...none, nftRuleset: [], iptablesInput: ['-P INPUT DROP'] }, Firewall.Iptables],
    [{ ...none, nftRuleset: [], iptablesInput: ['-P INPUT ACCEPT'] }, Firewall.None],
  ])('%j uses %s', (facts, backend) => {
    expect(planFirewall(Firewall.Auto, facts, 443).backend).toBe(backend);
  });

  it('reads iptables policies and rules', () => {
    expect(iptablesActive(['-P INPUT ACCEPT', '-A INPUT -s 10.0.0.1/32 -j DROP'])).toBe(true);
    expect(iptablesActive(['-P INPUT ACCEPT', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT'])).toBe(
      false,
    );
  });
});

describe('host keys', () => {
  const key = Buffer.concat([
    Buffer.from([0, 0, 0, 11]),
    Buffer.from('ssh-ed25519'),
    randomBytes(36),
  ]);
  const target = { host: '10.1.2.3', port: 2222 };

  it('prints fingerprints as ssh-keygen -lf does', () => {
    expect(fingerprintOf(key)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(
      hostKeyAccepted({ kind: 'fingerprints', fingerprints: [fingerprintOf(key)] }, key, target),
    ).toBe(true);
    expect(
      hostKeyAccepted(
        { kind: 'fingerprints', fingerprints: ['SHA256:' + 'A'.repeat(43)] },
        key,
        target,
      ),
    ).toBe(false);
  });

  it('matches known_hosts lines by host, port, hash and key, and honours @revoked', () => {
    const line = (hosts: string) => `${hosts} ssh-ed25519 ${key.toString('base64')}`;
    const policy = (...lines: string[]) => ({ kind: 'known-hosts' as const, lines });
    expect(hostKeyAccepted(policy(line('[10.1.2.3]:2222')), key, target)).toBe(true);
    expect(hostKeyAccepted(policy(line('10.1.2.3')), key, target)).toBe(false);
    expect(hostKeyAccepted(policy(line('[10.1.2.*]:2222')), key, target)).toBe(true);
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update('[10.1.2.3]:2222').digest('base64');
    expect(
      hostKeyAccepted(policy(line(`|1|${salt.toString('base64')}|${hash}`)), key, target),
    ).toBe(true);
    expect(
      hostKeyAccepted(policy(line('[10.1.2.3]:2222'), `@revoked ${line('*')}`), key, target),
    ).toBe(false);
    expect(hostMatches('*,!10.1.2.3', '10.1.2.3')).toBe(false);
  });
});

describe('script output and preflight', () => {
  it('reads values and sections, and knows whether the script started', () => {
    const output = parseScriptOutput(
      [
        'fsd-ok',
        'dir=yes',
        'cert-sha256=abc',
        'key-sha256=none',
        '== nft',
        ...RULESET,
        '== end',
        '== supervisor',
        'flaskapp RUNNING pid 1',
        '== end',
      ].join('\n'),
    );
    expect(output.started).toBe(true);
    const preflight = readPreflight(output);
    expect(preflight).toMatchObject({
      dirExists: true,
      certSha256: 'abc',
      supervisorStatus: ['flaskapp RUNNING pid 1'],
    });
    expect(preflight.keySha256).toBeUndefined();
    expect(preflight.firewall.nftRuleset).toEqual(RULESET);
    expect(parseScriptOutput('sudo: a password is required\n').started).toBe(false);
  });
});

describe('restart choice', () => {
  const remote: RemoteSettings = {
    dir: '/ssl',
    certName: 'cert.pem',
    keyName: 'cert.key',
    service: 'flaskapp',
    serviceManager: ServiceManager.Auto,
    firewall: Firewall.Auto,
    httpsPort: 443,
    restartTimeoutSeconds: 60,
    lockTimeoutSeconds: 120,
  };
  const firewall = { firewalldRunning: false, ufwActive: false };

  it('prefers systemd, then supervisor, and a restart command over both', () => {
    expect(
      chooseRestart(remote, {
        dirExists: true,
        firewall,
        systemdLoadState: 'loaded',
        supervisorStatus: ['flaskapp RUNNING'],
      }),
    ).toBe('systemd');
    expect(
      chooseRestart(remote, {
        dirExists: true,
        firewall,
        systemdLoadState: 'not-found',
        supervisorStatus: ['flaskapp RUNNING'],
      }),
    ).toBe('supervisor');
    expect(
      chooseRestart({ ...remote, restartCommand: 'touch /tmp/x' }, { dirExists: true, firewall }),
    ).toBe('command');
    expect(
      chooseRestart(
        { ...remote, serviceManager: ServiceManager.None },
        { dirExists: true, firewall },
      ),
    ).toBe('none');
  });

  it('refuses a service nobody knows, before any change', () => {
    expect(() =>
      chooseRestart(remote, {
        dirExists: true,
        firewall,
        supervisorStatus: ['flaskapp: ERROR (no such process)'],
      }),
    ).toThrow(ServiceError);
    expect(() =>
      chooseRestart(
        { ...remote, serviceManager: ServiceManager.Systemd },
        { dirExists: true, firewall },
      ),
    ).toThrow(/not a loaded systemd unit/);
  });
});
