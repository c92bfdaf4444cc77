import { Client, type ConnectConfig } from 'ssh2';
import type { Duplex } from 'node:stream';
import type { Login, SshSettings, Target } from '../inputs/settings.js';
import { fingerprintOf, hostKeyAccepted } from './host-key.js';

/** What one remote command returned. */
export interface ExecResult {
  /** Exit status; undefined when the command ended by a signal or the channel closed. */
  readonly code: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

/** A failure to reach or log in to a server. `retryable` for refused or reset connections only. */
export class SshError extends Error {
  constructor(
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'SshError';
  }
}

/**
 * Ciphers in order of preference: AES-GCM runs in Node's native crypto;
 * ssh2's chacha20-poly1305 is pure JavaScript and slower.
 */
const CIPHERS: NonNullable<NonNullable<ConnectConfig['algorithms']>['cipher']> = [
  'aes128-gcm@openssh.com',
  'aes256-gcm@openssh.com',
  'aes128-ctr',
  'aes256-ctr',
  'chacha20-poly1305@openssh.com',
];
const RETRY_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);
const RETRY_DELAYS_MS = [500, 1500, 3000];
/** Keepalives every 5 s, three unanswered and the connection is dead. */
const KEEPALIVE_MS = 5000;

/** One SSH connection to one server; all of a host's remote work runs on it. */
export class SshSession {
  private constructor(
    private readonly client: Client,
    readonly target: Target,
    /** The jump host's connection, closed with this one. */
    private readonly bastion?: Client,
  ) {}

  /** Connects, verifying the host key; retries refused or reset connections a few times. */
  static async open(
    target: Target,
    ssh: SshSettings,
    onRetry: (message: string) => void,
  ): Promise<SshSession> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (ssh.proxy === undefined) return new SshSession(await connect(target, ssh), target);
        const bastion = await connect(ssh.proxy.target, ssh.proxy, undefined, 'the jump host ');
        try {
          const tunnel = await forwardOut(bastion, ssh.proxy.target, target);
          return new SshSession(await connect(target, ssh, tunnel), target, bastion);
        } catch (error) {
          bastion.end();
          throw error;
        }
      } catch (error) {
        const delay = RETRY_DELAYS_MS[attempt];
        if (!(error instanceof SshError) || !error.retryable || delay === undefined) throw error;
        onRetry(`${error.message}; trying again in ${delay / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /**
   * Runs one command, feeding `stdin` (if any) and closing it; fails after
   * `timeoutMs`. `onStarted` is called once the server runs the command.
   */
  exec(
    command: string,
    stdin: Buffer | undefined,
    timeoutMs: number,
    onStarted?: () => void,
  ): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (error, stream) => {
        if (error) {
          reject(new SshError(`the server refused to run a command: ${error.message}`));
          return;
        }
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        const timer = setTimeout(() => {
          stream.close();
          reject(
            new SshError(
              `a remote command did not finish within ${Math.round(timeoutMs / 1000)} s`,
            ),
          );
        }, timeoutMs);
        stream.on('data', (chunk: Buffer) => stdout.push(chunk));
        stream.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
        stream.on('close', (code: number | null | undefined) => {
          clearTimeout(timer);
          resolve({
            code: typeof code === 'number' ? code : undefined,
            stdout: Buffer.concat(stdout).toString('utf8'),
            stderr: Buffer.concat(stderr).toString('utf8'),
          });
        });
        stream.end(stdin);
        onStarted?.();
      });
    });
  }

  close(): void {
    this.client.end();
    this.bastion?.end();
  }
}

/**
 * Opens a tunnel from the jump host to the target's SSH port (ssh2's
 * forwardOut, like `ssh -J`): the target's own handshake and host key check
 * then run through it, end to end.
 */
function forwardOut(bastion: Client, via: Target, target: Target): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    bastion.forwardOut('127.0.0.1', 0, target.host, target.port, (error, stream) => {
      if (error) {
        const refused = /refused/i.test(error.message);
        reject(
          new SshError(
            `the jump host ${via.host}:${via.port} could not reach ${target.host}:${target.port} (${error.message})`,
            refused,
          ),
        );
        return;
      }
      resolve(stream);
    });
  });
}

function connect(target: Target, ssh: Login, sock?: Duplex, role = ''): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let hostKeyRefused: string | undefined;
    const where = `${role}${target.host}:${target.port}`;
    // ssh2 may emit several errors for one failure (a timeout, then the lost connection):
    // the first settles the attempt, and the listener stays so that none goes unhandled.
    let settled = false;
    client.once('ready', () => {
      settled = true;
      resolve(client);
    });
    client.on('error', (error: Error & { code?: string; level?: string }) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(describeConnectError(error, where, hostKeyRefused, ssh));
    });
    client.connect({
      host: target.host,
      port: target.port,
      ...(sock === undefined ? {} : { sock }),
      username: ssh.username,
      ...(ssh.privateKey === undefined ? {} : { privateKey: ssh.privateKey }),
      ...(ssh.passphrase === undefined ? {} : { passphrase: ssh.passphrase }),
      ...(ssh.password === undefined ? {} : { password: ssh.password }),
      readyTimeout: ssh.connectTimeoutSeconds * 1000,
      keepaliveInterval: KEEPALIVE_MS,
      keepaliveCountMax: 3,
      tryKeyboard: false,
      agent: undefined,
      algorithms: { cipher: CIPHERS },
      hostVerifier: (key: Buffer): boolean => {
        const accepted = hostKeyAccepted(ssh.hostKey, key, target);
        if (!accepted) hostKeyRefused = fingerprintOf(key);
        return accepted;
      },
    });
    // ssh2 writes each packet in pieces; with Nagle's algorithm on, every piece
    // after the first waits for the server's delayed ACK, so each round trip of
    // the handshake and each channel request cost about 40 ms (measured: a
    // connection 270 ms, an exec 90 ms; without Nagle, 75 ms and 5 ms).
    client.setNoDelay(true);
  });
}

function describeConnectError(
  error: Error & { code?: string; level?: string },
  where: string,
  hostKeyRefused: string | undefined,
  ssh: Login,
): SshError {
  if (hostKeyRefused !== undefined) {
    const expected =
      ssh.hostKey.kind === 'fingerprints'
        ? `host-fingerprint (${ssh.hostKey.fingerprints.join(', ')})`
        : 'known-hosts';
    return new SshError(
      `the host key of ${where} is ${hostKeyRefused}, which does not match ${expected}. Nothing was changed. If the server's key really changed, get the new fingerprint with 'ssh-keyscan -p PORT HOST | ssh-keygen -lf -' from a trusted network and update the input; otherwise someone may be intercepting the connection.`,
    );
  }
  if (error.level === 'client-authentication') {
    return new SshError(
      `the server ${where} refused to log in user '${ssh.username}' with the given ${ssh.privateKey === undefined ? 'password' : 'ssh-key'}. Check that the key's public half is in that user's authorized_keys.`,
    );
  }
  if (error.level === 'client-timeout') {
    return new SshError(
      `${where} did not complete the SSH handshake within ${ssh.connectTimeoutSeconds} s (connect-timeout). Check host, port and any firewall in between.`,
    );
  }
  const code = error.code ?? '';
  if (RETRY_CODES.has(code))
    return new SshError(
      `the connection to ${where} was ${code === 'ECONNREFUSED' ? 'refused' : 'reset'} (${code})`,
      true,
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new SshError(
      `the host name of ${where} does not resolve (${code}). Check the host input.`,
    );
  return new SshError(`could not connect to ${where}: ${error.message}${code ? ` (${code})` : ''}`);
}
