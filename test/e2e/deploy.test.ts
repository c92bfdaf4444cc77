/**
 * mode: deploy against real throwaway hosts (scripts/testhost): OpenSSH,
 * sudo, supervisor, a Flask app and nftables or iptables, each in its own
 * namespaces. The bundled action runs as the runner runs it.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visibleLog, type ActionRun } from '../helpers/action.ts';
import { Pki, type Issued } from '../helpers/pki.ts';
import { TestHost } from '../helpers/testhost.ts';

let pki: Pki;
let root: Issued;
let mid: Issued;
const SANS = ['DNS:localhost', 'DNS:app.test', 'IP:127.0.0.1'];

beforeAll(() => {
  pki = new Pki();
  root = pki.root('Deploy Test');
  mid = pki.intermediate('Deploy Test', root);
});
afterAll(() => {
  pki.dispose();
});

function leaf(key: 'rsa2048' | 'p256' = 'p256'): Issued {
  return pki.leaf('localhost', mid, { sans: SANS, key });
}

function certificateInputs(pair: Issued): Record<string, string> {
  return {
    certificate: pair.certPem + mid.certPem,
    'private-key': pair.keyPem,
    'ca-bundle': root.certPem,
    domains: 'localhost, app.test, 127.0.0.1',
  };
}

function fingerprint(pair: Issued): string {
  return new X509Certificate(pair.certPem).fingerprint256;
}

function countPortRules(host: TestHost): number {
  return host
    .ruleset()
    .split('\n')
    .filter((line) => /dport 443\b.*accept/.test(line)).length;
}

describe('deploy to an nftables host (policy drop)', () => {
  let host: TestHost;
  let first: Issued;
  let initial: Issued;

  beforeAll(() => {
    initial = pki.leaf('localhost', mid, { sans: SANS });
    host = TestHost.create({
      firewall: 'nftables',
      initial: { certPem: initial.certPem + mid.certPem, keyPem: initial.keyPem },
      sshLogLevel: 'DEBUG3',
    });
  });
  afterAll(() => {
    host.destroy();
  });

  it('installs an RSA pair, opens 443 before the drop, restarts and proves it is served', () => {
    first = leaf('rsa2048');
    const run = host.runAction({ ...host.connectionInputs(), ...certificateInputs(first) });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    expect(run.outputs).toMatchObject({
      fingerprint: fingerprint(first),
      'served-fingerprint': fingerprint(first),
      changed: 'true',
      firewall: 'nftables',
      'rolled-back': 'false',
      'tls-version': 'TLSv1.3',
    });
    expect(run.outputs['backup-dir']).toMatch(/^\/ssl\/\.backup\/\d{8}T\d{9}Z$/);
    expect(host.servedFingerprint()).toBe(fingerprint(first));
    expect(host.readFile('/ssl/cert.pem').toString()).toBe(first.certPem + mid.certPem);
    expect(host.readFile('/ssl/cert.key').toString()).toBe(first.keyPem);
    expect(host.mode('/ssl/cert.key')).toBe('600 root:root');
    expect(host.mode('/ssl/cert.pem')).toBe('644 root:root');
    // The backup holds the pair that was there before.
    expect(host.readFile(`${run.outputs['backup-dir'] ?? ''}/cert.key`).toString()).toBe(
      initial.keyPem,
    );
    expect(countPortRules(host)).toBe(1);
    const chain = host
      .ruleset()
      .split('\n')
      .map((line) => line.trim());
    expect(chain.findIndex((line) => line.startsWith('tcp dport 443'))).toBeLessThan(
      chain.findIndex((line) => line.startsWith('tcp dport 22')),
    );
    const result = JSON.parse(run.outputs.result ?? '[]') as {
      host: string;
      changed: boolean;
      servedFingerprint: string;
    }[];
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({
      host: '127.0.0.1',
      changed: true,
      servedFingerprint: fingerprint(first),
    });
    expect(run.summary).toContain('Certificate deployed');
  });

  it('leaves the pair, the app and the firewall alone on a rerun (changed=false), and still probes', () => {
    const before = host.snapshot();
    const run = host.runAction({ ...host.connectionInputs(), ...certificateInputs(first) });
    expect(run.status).toBe(0);
    expect(run.outputs.changed).toBe('false');
    expect(run.outputs['served-fingerprint']).toBe(fingerprint(first));
    expect(countPortRules(host)).toBe(1);
    expect(host.snapshot()).toBe(before);
    expect(run.stdout).toContain('nothing to write, no restart');
  });

  it('replaces what is served on renewal, with an ECDSA pair', () => {
    const renewed = leaf('p256');
    const run = host.runAction({ ...host.connectionInputs(), ...certificateInputs(renewed) });
    expect(run.error).toBeUndefined();
    expect(run.outputs.changed).toBe('true');
    expect(host.servedFingerprint()).toBe(fingerprint(renewed));
    expect(host.servedFingerprint('app.test')).toBe(fingerprint(renewed));
    first = renewed;
  });

  it('never put key material on a command line, in its log, summary or outputs', () => {
    const sshd = host.sshdLog();
    // DEBUG3 logs the commands sshd ran (cut at its line limit); the user's shell logs them in full.
    expect(sshd).toContain('entering command sudo -n sh -c');
    const commands = host.commandLog();
    expect(commands).toContain("'fsd-install'");
    for (const secret of [first.keyPem, host.sshKey]) {
      for (const line of secret
        .split('\n')
        .filter((text) => text.length > 20 && !text.startsWith('-----'))) {
        expect(sshd).not.toContain(line);
        expect(commands).not.toContain(line);
      }
    }
    const marker = host.run(['mktemp', '/tmp/fsd-audit-XXXXXX']).trim();
    const pair = leaf();
    let runnerFiles = '';
    const run = host.runAction(
      { ...host.connectionInputs(), ...certificateInputs(pair) },
      {
        inspect: (folder) =>
          (runnerFiles = execFileSync(
            'sh',
            ['-c', `find ${folder} -type f -not -path '*/action/dist/*' -exec cat {} +`],
            { encoding: 'utf8' },
          )),
      },
    );
    expect(run.status).toBe(0);
    // Nothing the runner wrote (outputs, summary, temp files) holds a line of the key…
    const keyLines = pair.keyPem
      .split('\n')
      .filter((line) => line.length > 20 && !line.startsWith('-----'));
    for (const line of keyLines) expect(runnerFiles).not.toContain(line);
    // …nor any file the deploy left in the server's temporary folders or the user's shell history.
    const leftovers = host.run([
      'sh',
      '-c',
      `find /tmp /var/tmp /dev/shm ${host.dir}/home -type f -newer ${marker} -not -path '*/fsd-runner-*' -not -path '*/fsd-pki-*' 2>/dev/null -exec cat {} + || true`,
    ]);
    host.run(['rm', '-f', marker]);
    for (const line of keyLines) expect(leftovers).not.toContain(line);
    expect(host.run(['sh', '-c', `ls -A ${host.dir}/home`]).trim()).toBe('');
    const log = visibleLog(run);
    for (const line of run.stdout.split('\n').filter((text) => text.startsWith('::add-mask::'))) {
      const secret = line.slice('::add-mask::'.length);
      if (secret.length > 8) expect(log).not.toContain(secret);
    }
    expect(host.sshdLog()).not.toContain('PRIVATE KEY');
  });
});

describe('roll back', () => {
  let host: TestHost;
  let current: Issued;

  beforeAll(() => {
    current = leaf();
    host = TestHost.create({
      firewall: 'iptables',
      initial: { certPem: current.certPem + mid.certPem, keyPem: current.keyPem },
    });
  });
  afterAll(() => {
    host.destroy();
  });

  /** A deploy of a new pair with these inputs, which must fail on the restart and put the old pair back. */
  function deployFailingRestart(inputs: Record<string, string>): ActionRun {
    const run = host.runAction({
      ...host.connectionInputs(),
      ...certificateInputs(leaf()),
      ...inputs,
    });
    expect(run.status).toBe(1);
    expect(run.error).toContain('the restart of the app failed');
    expect(run.outputs['rolled-back']).toBe('true');
    expect(host.readFile('/ssl/cert.key').toString()).toBe(current.keyPem);
    return run;
  }

  it('restores the pair when the restart fails', () => {
    const before = host.snapshot();
    const run = deployFailingRestart({ 'restart-command': 'exit 3' });
    // The rollback's own restart runs the same failing command: the pair is back, and the error says the app is down.
    expect(run.error).toContain('The rollback restored the previous pair from /ssl/.backup/');
    expect(run.error).toContain('but the app did not restart');
    // The pair and modes are as before; only a backup and the opened port were added.
    expect(
      host
        .snapshot()
        .split('\n')
        .filter((line) => /\.\/cert\./.test(line)),
    ).toEqual(before.split('\n').filter((line) => /\.\/cert\./.test(line)));
  });

  it('restores the pair when the restart does not take effect (the old certificate is still served)', () => {
    const run = host.runAction({
      ...host.connectionInputs(),
      ...certificateInputs(leaf()),
      'restart-command': 'true',
      'probe-timeout': '3',
    });
    expect(run.status).toBe(1);
    expect(run.error).toContain(`still served ${fingerprint(current)}, not the new certificate`);
    expect(run.error).toContain('Rolled back');
    expect(run.outputs['rolled-back']).toBe('true');
    expect(host.readFile('/ssl/cert.key').toString()).toBe(current.keyPem);
    expect(host.servedFingerprint()).toBe(fingerprint(current));
    // Three runs opened the port in iptables once.
    expect(run.outputs.firewall).toBe('iptables');
    expect(countPortRules(host)).toBe(1);
  });

  it('puts the log of a crashing app into the error, and restores the pair', () => {
    host.run([
      'sh',
      '-c',
      `echo 'raise SystemExit("flask app refuses to start")' > ${host.dir}/app/app.py`,
    ]);
    const run = deployFailingRestart({ 'restart-timeout': '10' });
    expect(run.error).toContain('flask app refuses to start');
  });

  it('fails and restores the pair when the app serves the new certificate, then dies within startsecs', () => {
    // The probe polls during the restart and may well see the new certificate in the app's short
    // life; the step must still follow supervisor, which never counted the app as started.
    host.run(
      ['tee', `${host.dir}/app/app.py`],
      [
        'import os, sys, threading',
        'from flask import Flask',
        'threading.Timer(0.8, lambda: os._exit(3)).start()',
        'app = Flask(__name__)',
        'app.route("/")(lambda: "short-lived")',
        'app.run(host=sys.argv[1], port=443, ssl_context=("/ssl/cert.pem", "/ssl/cert.key"))',
        '',
      ].join('\n'),
    );
    deployFailingRestart({ 'restart-timeout': '15' });
  });
});

describe('refusals before any change', () => {
  let host: TestHost;
  let pair: Issued;

  beforeAll(() => {
    pair = leaf();
    host = TestHost.create({
      firewall: 'nftables',
      sudo: 'password',
      initial: { certPem: pair.certPem + mid.certPem, keyPem: pair.keyPem },
    });
  });
  afterAll(() => {
    host.destroy();
  });

  it('refuses a wrong host key', () => {
    const before = host.snapshot();
    const run = host.runAction({
      ...host.connectionInputs(),
      ...certificateInputs(leaf()),
      'host-fingerprint': 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
    });
    expect(run.status).toBe(1);
    expect(run.error).toContain(
      `the host key of 127.0.0.1:22 is ${host.hostFingerprint}, which does not match host-fingerprint`,
    );
    expect(host.snapshot()).toBe(before);
  });

  it('refuses to connect without a pinned host key, and says how to get one', () => {
    const before = host.snapshot();
    const inputs = { ...host.connectionInputs(), ...certificateInputs(leaf()) };
    delete inputs['host-fingerprint'];
    const run = host.runAction(inputs);
    expect(run.status).toBe(1);
    expect(run.error).toContain("Input 'host-fingerprint': is required (or 'known-hosts')");
    expect(run.error).toContain('ssh-keyscan -p PORT HOST | ssh-keygen -lf -');
    expect(run.stdout).not.toContain(': connect');
    expect(host.snapshot()).toBe(before);
  });

  it('accepts the host key from known_hosts lines', () => {
    const knownHosts = host.run([
      'sh',
      '-c',
      `echo "127.0.0.1 $(cat ${host.dir}/ssh/host_ed25519_key.pub)"`,
    ]);
    const inputs: Record<string, string> = {
      ...host.connectionInputs(),
      ...certificateInputs(leaf()),
      'known-hosts': knownHosts,
    };
    delete inputs['host-fingerprint'];
    const run = host.runAction(inputs);
    // It gets past the host key, to the sudo that asks for a password:
    expect(run.error).toContain("sudo asks user 'deploy' for a password");
  });

  it('stops with a clear error when sudo asks for a password', () => {
    const before = host.snapshot();
    const run = host.runAction({ ...host.connectionInputs(), ...certificateInputs(leaf()) });
    expect(run.status).toBe(1);
    expect(run.error).toContain("sudo asks user 'deploy' for a password");
    expect(run.error).toContain('Nothing was changed.');
    expect(host.snapshot()).toBe(before);
  });
});

describe('a host with no firewall, deployed for the first time', () => {
  let host: TestHost;
  beforeAll(() => {
    host = TestHost.create({ firewall: 'none' });
  });
  afterAll(() => {
    host.destroy();
  });

  it('installs into an empty /ssl without a backup, and starts the app supervisor gave up on', () => {
    // With no certificate the app cannot start, and supervisor ends in FATAL, whose
    // restart prints "ERROR (not running)" for the stop even though the start succeeds.
    const deadline = Date.now() + 30_000;
    while (
      !host.run(['sh', '-c', 'supervisorctl status flaskapp || true']).includes('FATAL') &&
      Date.now() < deadline
    ) {
      execFileSync('sleep', ['0.5']);
    }
    const pair = leaf();
    const run = host.runAction({
      ...host.connectionInputs(),
      ...certificateInputs(pair),
      'remote-dir': '/ssl/',
    });
    expect(run.error).toBeUndefined();
    expect(run.outputs).toMatchObject({
      changed: 'true',
      firewall: 'none',
      'backup-dir': '',
      'served-fingerprint': fingerprint(pair),
    });
    expect(host.listSsl().sort()).toEqual(['.fsd.lock', 'cert.key', 'cert.pem']);
    // Werkzeug under Debian's OpenSSL refuses TLS 1.0/1.1, and nothing listens on port 80.
    expect(run.outputs).toMatchObject({ 'legacy-tls': 'refused', 'http-redirect': 'closed' });
  });

  it("gives the files to the app's user with owner, the key then 0640", () => {
    const run = host.runAction({
      ...host.connectionInputs(),
      ...certificateInputs(leaf()),
      owner: 'deploy:deploy',
    });
    expect(run.error).toBeUndefined();
    expect(host.mode('/ssl/cert.key')).toBe('640 deploy:deploy');
    expect(host.mode('/ssl/cert.pem')).toBe('644 deploy:deploy');
  });

  it.each(['rsa2048', 'p256'] as const)(
    'deploys a %s PKCS#12 bundle made by OpenSSL 3, and serves it',
    (key) => {
      const pair = leaf(key);
      const bundle = join(pki.dir, `site-${key}.pfx`);
      execFileSync('openssl', [
        'pkcs12',
        '-export',
        '-inkey',
        pair.keyPath,
        '-in',
        pair.certPath,
        '-certfile',
        mid.certPath,
        '-passout',
        'pass:pfx-secret',
        '-out',
        bundle,
      ]);
      const inputs: Record<string, string> = {
        ...host.connectionInputs(),
        ...certificateInputs(pair),
        pfx: readFileSync(bundle).toString('base64'),
        'pfx-password': 'pfx-secret',
      };
      delete inputs.certificate;
      delete inputs['private-key'];
      const run = host.runAction(inputs);
      expect(run.error).toBeUndefined();
      expect(run.outputs['served-fingerprint']).toBe(fingerprint(pair));
      expect(host.servedFingerprint()).toBe(fingerprint(pair));
      expect(host.readFile('/ssl/cert.pem').toString()).toBe(pair.certPem + mid.certPem);
    },
  );

  it('tells a path blocked outside the server from a broken server, and keeps the good pair', () => {
    // The runner reaches the server as 127.0.0.5; a rule drops that path to 443, as a security group would.
    host.run(
      ['nft', '-f', '-'],
      'table inet outside { chain out { type filter hook output priority 0; ip daddr 127.0.0.5 tcp dport 443 drop; }; }\n',
    );
    const pair = leaf();
    const run = host.runAction({
      ...host.connectionInputs(),
      ...certificateInputs(pair),
      'probe-address': '127.0.0.5',
      'probe-timeout': '3',
    });
    expect(run.status).toBe(1);
    expect(run.error).toContain(
      'https://127.0.0.5:443 (SNI localhost) could not be reached within 3 s',
    );
    expect(run.error).toContain('the path to port 443 is blocked outside the server');
    expect(run.outputs['rolled-back']).toBe('false');
    expect(host.servedFingerprint()).toBe(fingerprint(pair));
  });
});
