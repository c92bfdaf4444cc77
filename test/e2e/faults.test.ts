/**
 * Faults injected on a real host. After each, the server holds a consistent
 * pair (the old one or the new one, never one's certificate with the other's
 * key), no temporary file is left, and the error says what happened.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pki, type Issued } from '../helpers/pki.ts';
import { TestHost } from '../helpers/testhost.ts';

let pki: Pki;
let root: Issued;
let host: TestHost;
let current: Issued;
const SANS = ['DNS:localhost', 'IP:127.0.0.1'];

beforeAll(() => {
  pki = new Pki();
  root = pki.root('Faults');
  current = pki.leaf('localhost', root, { sans: SANS });
  host = TestHost.create({ firewall: 'nftables', initial: current });
});
afterAll(() => {
  host.destroy();
  pki.dispose();
});

function inputs(pair: Issued, extra: Record<string, string> = {}): Record<string, string> {
  return host.deployInputs(pair, root, extra);
}

/** The pair in `dir` is a certificate and its own key, and no temporary file lies beside it. */
function expectConsistent(dir: string): { cert: string; key: string } {
  const cert = host.readFile(`${dir}/cert.pem`).toString();
  const key = host.readFile(`${dir}/cert.key`).toString();
  expect(new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))).toBe(true);
  expect(host.run(['ls', '-A', dir])).not.toMatch(/fsd-(new|restore)/);
  return { cert, key };
}

/** A small tmpfs inside the host's /ssl holding the current pair, for faults of the file system. */
function separateDir(name: string, options: string): string {
  const dir = `/ssl/${name}`;
  host.run([
    'sh',
    '-c',
    `mkdir -p ${dir} && mount -t tmpfs -o ${options} fsd-${name} ${dir} && cp /ssl/cert.pem /ssl/cert.key ${dir}/`,
  ]);
  return dir;
}

/** A new pair into `dir`, where no app reads it: only the file steps matter. */
function deployInto(dir: string) {
  return host.runAction(
    inputs(pki.leaf('localhost', root, { sans: SANS }), {
      'remote-dir': dir,
      'service-manager': 'none',
      probe: 'false',
    }),
  );
}

describe('faults on a real host', () => {
  it('a full file system: refused before anything is replaced', () => {
    const dir = separateDir('full', 'size=64k');
    host.run(['sh', '-c', `dd if=/dev/zero of=${dir}/filler bs=4k 2>/dev/null; true`]);
    const run = deployInto(dir);
    expect(run.status).toBe(1);
    expect(run.error).toContain(`could not write the new files in ${dir} (`);
    expect(run.error).toContain('No space left on device');
    expect(run.error).toContain('The server keeps its previous pair.');
    expect(expectConsistent(dir).key).toBe(current.keyPem);
  });

  it('a read-only file system: refused before anything is replaced', () => {
    const dir = separateDir('ro', 'size=1m');
    host.run(['mount', '-o', 'remount,ro', dir]);
    const run = deployInto(dir);
    expect(run.status).toBe(1);
    expect(run.error).toContain(`could not create the lock file in ${dir}`);
    expect(run.error).toContain('Read-only file system');
    expect(expectConsistent(dir).key).toBe(current.keyPem);
  });

  it('sudo taken away: a clear error before any change', () => {
    const before = host.snapshot();
    const sudoers = host.readFile('/etc/sudoers.d/deploy');
    host.run(['rm', '/etc/sudoers.d/deploy']);
    try {
      const run = host.runAction(inputs(pki.leaf('localhost', root, { sans: SANS })));
      expect(run.status).toBe(1);
      expect(run.error).toMatch(/sudo asks user 'deploy' for a password|may not use sudo/);
      expect(run.error).toContain('Nothing was changed.');
      expect(host.snapshot()).toBe(before);
    } finally {
      host.run(
        ['sh', '-c', 'cat > /etc/sudoers.d/deploy && chmod 0440 /etc/sudoers.d/deploy'],
        sudoers.toString(),
      );
    }
  });

  it('a restart that hangs: stopped at restart-timeout, and rolled back', () => {
    const started = Date.now();
    const run = host.runAction(
      inputs(pki.leaf('localhost', root, { sans: SANS }), {
        'restart-command': 'sleep 600',
        'restart-timeout': '2',
      }),
    );
    expect(run.status).toBe(1);
    expect(run.error).toContain(
      'the restart of the app did not finish within 2 s (restart-timeout)',
    );
    expect(run.error).toContain('restored the previous pair');
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(expectConsistent('/ssl').key).toBe(current.keyPem);
  });

  it('two deploys at once are serialized by the lock, and the served pair matches the files', async () => {
    const first = pki.leaf('localhost', root, { sans: SANS });
    const second = pki.leaf('localhost', root, { sans: SANS, key: 'rsa2048' });
    const runs = await Promise.all([
      host.startAction(inputs(first)).result,
      host.startAction(inputs(second)).result,
    ]);
    // The later one waits for the lock, then installs its pair; its probe may see the other's pair
    // first but keeps polling until its own is served. Both end green, or one fails and rolls back.
    for (const run of runs) expect([0, 1]).toContain(run.status);
    expect(runs.some((run) => run.status === 0)).toBe(true);
    const { cert } = expectConsistent('/ssl');
    expect(host.servedFingerprint()).toBe(new X509Certificate(cert).fingerprint256);
    current = [first, second].find((pair) => pair.certPem === cert) ?? current;
  });

  it('the runner cancelling mid-deploy: stops cleanly and puts the old pair back', async () => {
    const old = expectConsistent('/ssl');
    const next = pki.leaf('localhost', root, { sans: SANS });
    // A slow restart keeps the deploy busy after the pair is replaced.
    const running = host.startAction(
      inputs(next, { 'restart-command': 'sleep 4 && supervisorctl restart flaskapp' }),
    );
    const deadline = Date.now() + 60_000;
    while (host.readFile('/ssl/cert.pem').toString() === old.cert && Date.now() < deadline) {
      await sleep(50);
    }
    running.kill('SIGTERM');
    const run = await running.result;
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('::warning::Received SIGTERM: cancelling');
    expect(run.error).toContain(
      'the run was cancelled after the new pair was installed. Rolled back: restored the previous pair',
    );
    expect(run.outputs['rolled-back']).toBe('true');
    expect(expectConsistent('/ssl').key).toBe(old.key);
    expect(host.servedFingerprint()).toBe(new X509Certificate(old.cert).fingerprint256);
  });

  it('the SSH connection cut during the install: the old pair stays, no temp files, the error says so', async () => {
    const old = expectConsistent('/ssl');
    // Hold the deploy lock, so the install script is caught waiting with the new pair in its input.
    host.run(['sh', '-c', 'setsid flock /ssl/.fsd.lock sleep 8 </dev/null >/dev/null 2>&1 &']);
    const running = host.startAction(inputs(pki.leaf('localhost', root, { sans: SANS })));
    const deadline = Date.now() + 30_000;
    while (
      !host.run(['sh', '-c', 'pgrep -f "[f]sd-install" || true']).trim() &&
      Date.now() < deadline
    ) {
      await sleep(50);
    }
    // Cut the connection from the server side: kill the user's sshd session process.
    host.run(['sh', '-c', 'pkill -KILL -f "[s]shd: deploy" || true']);
    const run = await running.result;
    expect(run.status).toBe(1);
    expect(run.error).toContain('the connection to the server was lost during the install step');
    await sleep(9000); // the lock holder ends; the orphaned script must not install afterwards
    expect(expectConsistent('/ssl').key).toBe(old.key);
    expect(host.servedFingerprint()).toBe(new X509Certificate(old.cert).fingerprint256);
  });
});
