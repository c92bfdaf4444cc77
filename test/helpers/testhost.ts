/**
 * A throwaway test host (see scripts/testhost/up.sh): its own network and
 * mount namespaces with a real sshd, sudo, supervisor, a Flask app on 443 and
 * a firewall. Tests run the bundled action inside its network namespace, so
 * 127.0.0.1 is the host. Needs root.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  runAction,
  startAction,
  type ActionRun,
  type RunOptions,
  type RunningAction,
} from './action.ts';

export type FirewallKind = 'nftables' | 'iptables' | 'none';
export type SudoKind = 'nopasswd' | 'password' | 'none';

export interface HostOptions {
  readonly firewall: FirewallKind;
  readonly sudo?: SudoKind;
  readonly sshLogLevel?: 'INFO' | 'DEBUG3';
  /** What /ssl holds when the host comes up; nothing by default. */
  readonly initial?: { readonly certPem: string; readonly keyPem: string };
  /** Share this host's network (its firewall too), on another loopback address. */
  readonly join?: { readonly host: TestHost; readonly address: string };
}

const SCRIPTS = resolve('scripts/testhost');

// Written without parameter properties so that Node's type stripping runs it (the demo does).
export class TestHost {
  readonly dir: string;
  readonly pid: number;
  /** The loopback address its sshd and app bind, inside its network. */
  readonly address: string;

  private constructor(dir: string, pid: number, address: string) {
    this.dir = dir;
    this.pid = pid;
    this.address = address;
  }

  static create(options: HostOptions): TestHost {
    const dir = mkdtempSync(join(tmpdir(), 'fsd-host-'));
    if (options.initial) {
      writeFileSync(join(dir, 'initial.pem'), options.initial.certPem);
      writeFileSync(join(dir, 'initial.key'), options.initial.keyPem, { mode: 0o600 });
    }
    const address = options.join?.address ?? '127.0.0.1';
    const env = {
      ...process.env,
      ADDRESS: address,
      JOIN_PID: options.join ? String(options.join.host.pid) : '',
    };
    const pid = execFileSync(
      join(SCRIPTS, 'up.sh'),
      [dir, options.firewall, options.sudo ?? 'nopasswd', options.sshLogLevel ?? 'INFO'],
      { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'], timeout: 300_000 },
    ).trim();
    return new TestHost(dir, Number(pid), address);
  }

  /** The deploy user's SSH private key. */
  get sshKey(): string {
    return readFileSync(join(this.dir, 'ssh', 'user_key'), 'utf8');
  }

  /** Lets the deploy user log in with another host's deploy key too, as one key serves a fleet. */
  authorizeKeyOf(other: TestHost): void {
    appendFileSync(
      join(this.dir, 'authorized', 'deploy'),
      readFileSync(join(other.dir, 'ssh', 'user_key.pub')),
    );
  }

  /** The host key's fingerprint, as `ssh-keygen -lf` prints it. */
  get hostFingerprint(): string {
    const line = execFileSync(
      'ssh-keygen',
      ['-lf', join(this.dir, 'ssh', 'host_ed25519_key.pub')],
      { encoding: 'utf8' },
    );
    return line.split(' ')[1] ?? '';
  }

  /** Runs a command inside the host's namespaces, as root. */
  run(command: string[], input?: string): string {
    return execFileSync('nsenter', ['-t', String(this.pid), '-n', '-m', '--', ...command], {
      encoding: 'utf8',
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 60_000,
    });
  }

  /** Reads a file of the host (its /ssl is private). */
  readFile(path: string): Buffer {
    return Buffer.from(this.run(['base64', '-w0', path]), 'base64');
  }

  /** `stat -c '%a %U:%G' path`. */
  mode(path: string): string {
    return this.run(['stat', '-c', '%a %U:%G', path]).trim();
  }

  listSsl(): string[] {
    return this.run(['ls', '-1A', '/ssl']).split('\n').filter(Boolean);
  }

  /** The SHA-256 fingerprint the app serves on its address, port 443, to the given name, or '' when nothing answers. */
  servedFingerprint(servername = 'localhost'): string {
    const result = spawnSync(
      'nsenter',
      [
        '-t',
        String(this.pid),
        '-n',
        '--',
        'timeout',
        '5',
        'openssl',
        's_client',
        '-connect',
        `${this.address}:443`,
        '-servername',
        servername,
      ],
      { input: '', encoding: 'utf8' },
    );
    const pem = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(
      result.stdout,
    )?.[0];
    return pem === undefined ? '' : new X509Certificate(pem).fingerprint256;
  }

  /**
   * What a deploy may change, as text to compare before and after: every
   * file under /ssl with its SHA-256, mode and owner, and the firewall.
   */
  snapshot(): string {
    const files = this.run([
      'sh',
      '-c',
      'cd /ssl && find . -type f | sort | xargs -r sha256sum; find . -exec stat -c "%n %a %U" {} + | sort',
    ]);
    return `${files}\n${this.ruleset()}`;
  }

  /** The firewall's ruleset as text (nft shows iptables-nft rules too). */
  ruleset(): string {
    return this.run(['nft', 'list', 'ruleset']);
  }

  /** Every command line the deploy user's shell was given over SSH, in full. */
  commandLog(): string {
    return readFileSync(join(this.dir, 'log', 'commands.log'), 'utf8');
  }

  sshdLog(): string {
    return readFileSync(join(this.dir, 'log', 'sshd.log'), 'utf8');
  }

  /** The inputs that connect to this host; the test adds the certificate ones. */
  connectionInputs(): Record<string, string> {
    return {
      host: this.address,
      username: 'deploy',
      'ssh-key': this.sshKey,
      'host-fingerprint': this.hostFingerprint,
      service: 'flaskapp',
      'probe-timeout': '20',
    };
  }

  /** The inputs of a deploy of `pair` to this host, trusting `root`, for `localhost`. */
  deployInputs(
    pair: { readonly certPem: string; readonly keyPem: string },
    root: { readonly certPem: string },
    extra: Record<string, string> = {},
  ): Record<string, string> {
    return {
      ...this.connectionInputs(),
      certificate: pair.certPem,
      'private-key': pair.keyPem,
      'ca-bundle': root.certPem,
      domains: 'localhost',
      ...extra,
    };
  }

  /**
   * Runs dist/index.js as the runner would, inside this host's network
   * namespace; with `resolveNames`, in its mount namespace too, where its
   * /etc/hosts makes the test names resolve to it (the runner's folder is on
   * the shared root file system, so it is there as well).
   */
  runAction(
    inputs: Record<string, string>,
    options: RunOptions & { resolveNames?: boolean } = {},
  ): ActionRun {
    return runAction(inputs, { ...options, prefix: this.prefix(options.resolveNames === true) });
  }

  /** Starts the action without waiting, as an overlapping workflow run would. */
  startAction(inputs: Record<string, string>, options: RunOptions = {}): RunningAction {
    return startAction(inputs, { ...options, prefix: this.prefix(false) });
  }

  private prefix(resolveNames: boolean): string[] {
    return ['nsenter', '-t', String(this.pid), ...(resolveNames ? ['-n', '-m'] : ['-n']), '--'];
  }

  destroy(): void {
    execFileSync(join(SCRIPTS, 'down.sh'), [this.dir], { stdio: 'ignore', timeout: 60_000 });
  }
}

/**
 * Runs `cleanUp` when the process is interrupted (Ctrl-C, or a CI job's
 * timeout) and then exits: a script's `finally` does not run on a signal,
 * and its throwaway hosts would be left running.
 */
export function cleanUpOnInterrupt(cleanUp: () => void): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      cleanUp();
      process.exit(code);
    });
  }
}
