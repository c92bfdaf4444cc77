/**
 * The command line, outside GitHub Actions: flags instead of INPUT_*
 * variables, files given by path, outputs printed at the end. It must deploy
 * exactly as the action does.
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE24 } from '../helpers/action.ts';
import { Pki, type Issued } from '../helpers/pki.ts';
import { TestHost } from '../helpers/testhost.ts';

let pki: Pki;
let root: Issued;
let host: TestHost;

beforeAll(() => {
  pki = new Pki();
  root = pki.root('CLI');
  host = TestHost.create({ firewall: 'iptables' });
});
afterAll(() => {
  host.destroy();
  pki.dispose();
});

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(
    'nsenter',
    ['-t', String(host.pid), '-n', '--', NODE24, resolve('dist/cli.js'), ...args],
    {
      cwd: pki.dir,
      encoding: 'utf8',
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...env },
      timeout: 120_000,
    },
  );
}

describe('flask-ssl-deploy on the command line', () => {
  it('lists every input with --help', () => {
    const result = cli(['--help']);
    expect(result.status).toBe(0);
    for (const flag of ['--host', '--certificate', '--pfx', '--dry-run', '--host-fingerprint'])
      expect(result.stdout).toContain(flag);
  });

  it('deploys with files given by path, with the same outcome as the action', () => {
    const pair = pki.leaf('localhost', root, { sans: ['DNS:localhost'] });
    writeFileSync(join(pki.dir, 'deploy_key'), host.sshKey, { mode: 0o600 });
    writeFileSync(join(pki.dir, 'root.pem'), root.certPem);
    const result = cli([
      'deploy',
      '--host',
      host.address,
      '--username',
      'deploy',
      '--ssh-key',
      'deploy_key',
      '--host-fingerprint',
      host.hostFingerprint,
      '--certificate',
      pair.certPath,
      '--private-key',
      pair.keyPath,
      '--ca-bundle',
      'root.pem',
      '--domains',
      'localhost',
      '--service',
      'flaskapp',
    ]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const fingerprint = new X509Certificate(pair.certPem).fingerprint256;
    expect(result.stdout).toContain(`served-fingerprint: ${fingerprint}`);
    expect(result.stdout).toContain('firewall: iptables');
    expect(result.stdout).toContain('== 127.0.0.1:22: install');
    expect(result.stdout).not.toMatch(/::(add-mask|group|endgroup)/);
    expect(host.servedFingerprint()).toBe(fingerprint);
    // The action finds exactly the files it would have written itself.
    const run = host.runAction({
      ...host.connectionInputs(),
      certificate: pair.certPem,
      'private-key': pair.keyPem,
      'ca-bundle': root.certPem,
      domains: 'localhost',
    });
    expect(run.outputs.changed).toBe('false');
  });

  it('fails with the action’s own message, and says how to use it', () => {
    const failed = cli(['validate', '--domains', 'localhost']);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain("error: Input 'certificate': is required.");
    const wrong = cli(['deploy', '--hots', 'x']);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('unknown option --hots. See --help.');
  });
});
