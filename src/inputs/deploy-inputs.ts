import * as core from '@actions/core';
import { isIP } from 'node:net';
import { utils as sshUtils } from 'ssh2';
import { Firewall, Input, ServiceManager } from '../constants.js';
import { InputError, collectProblems, quoteValue, type Problem } from '../errors.js';
import { COMMAND_CHARACTERS } from '../remote/shell.js';
import { domainSyntaxError } from './domains.js';
import type {
  DeploySettings,
  HostKeyPolicy,
  Login,
  ProbeSettings,
  ProxySettings,
  RemoteSettings,
  SshSettings,
  Target,
} from './settings.js';
import { getBoolean, getChoice, getInteger } from './readers.js';

const USER_NAME = /^[a-z_][a-z0-9_.-]{0,31}$/i;
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const REMOTE_PATH = /^\/[A-Za-z0-9._/-]{0,255}$/;
const SERVICE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@:-]{0,127}$/;
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** The SSH, remote and probe settings of `mode: deploy`, every problem reported at once. */
export function getDeploySettings(): DeploySettings {
  const problems: Problem[] = [];
  const ssh = collectProblems(problems, getSshSettings);
  const remote = collectProblems(problems, getRemoteSettings);
  const probe = collectProblems(problems, getProbeSettings);
  const dryRun = collectProblems(problems, () => getBoolean(Input.DryRun, false));
  const maxParallel = collectProblems(problems, getMaxParallel);
  if (
    !ssh ||
    !remote ||
    !probe ||
    dryRun === undefined ||
    maxParallel === undefined ||
    problems.length > 0
  ) {
    throw new InputError(problems);
  }
  return { dryRun, maxParallel, ssh, remote, probe };
}

function getSshSettings(): SshSettings {
  const problems: Problem[] = [];
  const port = collectProblems(problems, () => getInteger(Input.Port, 1, 65535, 22));
  const targets = collectProblems(problems, () => getTargets(port ?? 22));
  const username = collectProblems(problems, getUsername);
  const credentials = collectProblems(problems, getCredentials);
  const hostKey = collectProblems(problems, getHostKeyPolicy);
  const connectTimeoutSeconds = collectProblems(problems, () =>
    getInteger(Input.ConnectTimeout, 1, 300, 20),
  );
  if (
    !targets ||
    !username ||
    !credentials ||
    !hostKey ||
    connectTimeoutSeconds === undefined ||
    problems.length > 0
  ) {
    throw new InputError(problems);
  }
  const login = { username, ...credentials, hostKey, connectTimeoutSeconds };
  const proxy = getProxySettings(login);
  return { targets, ...login, ...(proxy === undefined ? {} : { proxy }) };
}

/**
 * The jump host, when proxy-host is set. Its user and key default to the
 * target's; its host key must be pinned on its own (proxy-host-fingerprint).
 */
function getProxySettings(login: Login): ProxySettings | undefined {
  const entry = core.getInput(Input.ProxyHost).trim();
  if (entry === '') return undefined;
  const port = getInteger(Input.ProxyPort, 1, 65535, 22);
  const target = parseTarget(Input.ProxyHost, entry, port);
  const usernameText = core.getInput(Input.ProxyUsername);
  if (usernameText !== '' && !USER_NAME.test(usernameText)) {
    throw InputError.of(
      Input.ProxyUsername,
      `${quoteValue(usernameText)} is not a valid user name.`,
    );
  }
  const keyText = core.getInput(Input.ProxySshKey);
  const credentials =
    keyText === ''
      ? {
          ...(login.privateKey === undefined ? {} : { privateKey: login.privateKey }),
          ...(login.passphrase === undefined ? {} : { passphrase: login.passphrase }),
          ...(login.password === undefined ? {} : { password: login.password }),
        }
      : readSshKey(Input.ProxySshKey, Input.SshKeyPassphrase);
  const fingerprints = core.getInput(Input.ProxyHostFingerprint);
  const hostKey: HostKeyPolicy =
    fingerprints !== ''
      ? {
          kind: 'fingerprints',
          fingerprints: parseFingerprints(Input.ProxyHostFingerprint, fingerprints),
        }
      : login.hostKey.kind === 'insecure'
        ? login.hostKey
        : failProxyPin();
  return {
    target,
    username: usernameText || login.username,
    ...credentials,
    hostKey,
    connectTimeoutSeconds: login.connectTimeoutSeconds,
  };
}

function failProxyPin(): never {
  throw InputError.of(
    Input.ProxyHostFingerprint,
    "is required with proxy-host: the jump host's key is checked too. Get it with 'ssh-keyscan -p PORT JUMPHOST | ssh-keygen -lf -'.",
  );
}

/** `host`: one or more hosts, newline- or comma-separated, each `host` or `host:port`. */
export function getTargets(defaultPort: number, required = true): Target[] {
  const entries = core
    .getInput(Input.Host)
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0 && required) {
    throw InputError.of(
      Input.Host,
      'is required in mode deploy: the SSH host name or address of the server.',
    );
  }
  return entries.map((entry) => parseTarget(Input.Host, entry, defaultPort));
}

function parseTarget(input: Input, entry: string, defaultPort: number): Target {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  const hostPort = /^([^:]+):(\d+)$/.exec(entry);
  const [host, port] = bracketed
    ? [bracketed[1] ?? '', bracketed[2]]
    : hostPort
      ? [hostPort[1] ?? '', hostPort[2]]
      : [entry, undefined];
  const syntax = hostSyntaxError(host);
  if (syntax !== undefined) throw InputError.of(input, `${quoteValue(entry)} ${syntax}.`);
  const number = port === undefined ? defaultPort : Number(port);
  if (!Number.isInteger(number) || number < 1 || number > 65535) {
    throw InputError.of(input, `${quoteValue(entry)} has a port outside 1-65535.`);
  }
  return { host, port: number };
}

/** Why a value cannot be a host to connect to, or undefined. */
function hostSyntaxError(host: string): string | undefined {
  if (isIP(host) !== 0) return undefined;
  const error = domainSyntaxError(host);
  return error ?? (host.startsWith('*') ? 'is a wildcard, not a host' : undefined);
}

function getUsername(): string {
  const username = core.getInput(Input.Username);
  if (username === '')
    throw InputError.of(
      Input.Username,
      'is required in mode deploy: the user to log in as over SSH.',
    );
  if (!USER_NAME.test(username)) {
    throw InputError.of(
      Input.Username,
      `${quoteValue(username)} is not a valid user name (letters, digits, '_', '.', '-'; at most 32).`,
    );
  }
  return username;
}

/** The SSH key (checked to be readable with its passphrase) or the password. Never quoted. */
function getCredentials(): Pick<SshSettings, 'privateKey' | 'passphrase' | 'password'> {
  const privateKey = core.getInput(Input.SshKey);
  const password = core.getInput(Input.Password);
  if (privateKey === '') {
    if (password === '') {
      throw InputError.of(
        Input.SshKey,
        'is required in mode deploy (or password): the private SSH key of the user, from a secret.',
      );
    }
    return { password };
  }
  return {
    ...readSshKey(Input.SshKey, Input.SshKeyPassphrase),
    ...(password === '' ? {} : { password }),
  };
}

/** An SSH private key input, checked to be readable with its passphrase. Never quoted. */
function readSshKey(
  keyInput: Input,
  passphraseInput: Input,
): { privateKey: string; passphrase?: string } {
  const privateKey = core.getInput(keyInput);
  const passphrase = core.getInput(passphraseInput);
  const parsed = sshUtils.parseKey(privateKey, passphrase === '' ? undefined : passphrase);
  if (parsed instanceof Error) {
    if (/no passphrase/i.test(parsed.message)) {
      throw InputError.of(
        passphraseInput,
        `is required: the key in '${keyInput}' is encrypted. Pass its passphrase from a secret.`,
      );
    }
    if (/passphrase|decrypt/i.test(parsed.message)) {
      throw InputError.of(
        passphraseInput,
        `does not decrypt the key in '${keyInput}'. Check that the secret holds the passphrase of this key.`,
      );
    }
    throw InputError.of(
      keyInput,
      'is not a private SSH key that can be read (the OpenSSH format of ssh-keygen, or PEM RSA/EC). Pass the whole private key file, BEGIN and END lines included, from a secret.',
    );
  }
  return { privateKey, ...(passphrase === '' ? {} : { passphrase }) };
}

/** host-fingerprint, known-hosts, or an explicit insecure-ignore-host-key: never silently none. */
function getHostKeyPolicy(): HostKeyPolicy {
  const fingerprintText = core.getInput(Input.HostFingerprint);
  const knownHosts = core
    .getInput(Input.KnownHosts)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (fingerprintText !== '')
    return {
      kind: 'fingerprints',
      fingerprints: parseFingerprints(Input.HostFingerprint, fingerprintText),
    };
  if (knownHosts.length > 0) {
    const bad = knownHosts.findIndex((line) => line.split(/\s+/).length < 3);
    if (bad >= 0)
      throw InputError.of(
        Input.KnownHosts,
        `line ${bad + 1} is not a known_hosts line ("HOST KEY-TYPE BASE64-KEY").`,
      );
    return { kind: 'known-hosts', lines: knownHosts };
  }
  if (getBoolean(Input.InsecureIgnoreHostKey, false)) return { kind: 'insecure' };
  throw InputError.of(
    Input.HostFingerprint,
    "is required (or 'known-hosts'), so the action can tell your server from an impostor before it sends the private key. Get the fingerprint from a trusted network with 'ssh-keyscan -p PORT HOST | ssh-keygen -lf -' and store it in a variable or secret.",
  );
}

/** SHA256:… fingerprints, also picked out of pasted `ssh-keygen -lf` lines. */
function parseFingerprints(input: Input, text: string): string[] {
  const tokens = text
    .split(/[\s,]+/)
    .filter((token) => token.startsWith('SHA256:') || token.startsWith('MD5:'));
  const bad = tokens.find((token) => !FINGERPRINT.test(token));
  if (tokens.length === 0 || bad !== undefined) {
    throw InputError.of(
      input,
      `${bad === undefined ? 'holds no SHA256 fingerprint' : `${quoteValue(bad)} is not a SHA256 fingerprint`}: expected 'SHA256:' and 43 base64 characters, as 'ssh-keygen -lf' prints.`,
    );
  }
  return tokens;
}

function getRemoteSettings(): RemoteSettings {
  const problems: Problem[] = [];
  const read = <T>(reader: () => T): T | undefined => collectProblems(problems, reader);
  const dir = read(getRemoteDir);
  const certName = read(() =>
    getMatching(Input.CertName, FILE_NAME, 'cert.pem', 'a file name (letters, digits, ., _, -)'),
  );
  const keyName = read(() =>
    getMatching(Input.KeyName, FILE_NAME, 'cert.key', 'a file name (letters, digits, ., _, -)'),
  );
  if (certName !== undefined && certName === keyName) {
    problems.push({
      input: Input.KeyName,
      message: `must differ from cert-name (both are ${quoteValue(certName)}).`,
    });
  }
  const owner = read(() =>
    getMatching(
      Input.Owner,
      /^[a-z_][a-z0-9_.-]*(:[a-z_][a-z0-9_.-]*)?$/i,
      '',
      'user or user:group',
    ),
  );
  const service = read(() =>
    getMatching(
      Input.Service,
      SERVICE_NAME,
      '',
      'a service or program name (letters, digits, _ . @ : -)',
    ),
  );
  const serviceManager = read(() =>
    getChoice(Input.ServiceManager, Object.values(ServiceManager), ServiceManager.Auto),
  );
  const restartCommand = read(getRestartCommand);
  const firewall = read(() => getChoice(Input.Firewall, Object.values(Firewall), Firewall.Auto));
  const httpsPort = read(() => getInteger(Input.HttpsPort, 1, 65535, 443));
  const restartTimeoutSeconds = read(() => getInteger(Input.RestartTimeout, 1, 3600, 60));
  const lockTimeoutSeconds = read(() => getInteger(Input.LockTimeout, 1, 3600, 120));
  if (service === '' && restartCommand === undefined && serviceManager !== ServiceManager.None) {
    problems.push({
      input: Input.Service,
      message:
        "is required: the systemd unit or supervisor program of the Flask app. Or set 'restart-command', or 'service-manager: none' to skip the restart.",
    });
  }
  if (
    dir === undefined ||
    certName === undefined ||
    keyName === undefined ||
    owner === undefined ||
    service === undefined ||
    serviceManager === undefined ||
    firewall === undefined ||
    httpsPort === undefined ||
    restartTimeoutSeconds === undefined ||
    lockTimeoutSeconds === undefined ||
    problems.length > 0
  ) {
    throw new InputError(problems);
  }
  return {
    dir,
    certName,
    keyName,
    ...(owner === '' ? {} : { owner }),
    ...(service === '' ? {} : { service }),
    serviceManager,
    ...(restartCommand === undefined ? {} : { restartCommand }),
    firewall,
    httpsPort,
    restartTimeoutSeconds,
    lockTimeoutSeconds,
  };
}

function getRemoteDir(): string {
  const value = core.getInput(Input.RemoteDir) || '/ssl';
  const dir = value.length > 1 ? value.replace(/\/+$/, '') : value;
  const segments = dir.split('/').slice(1);
  if (
    !REMOTE_PATH.test(dir) ||
    dir === '/' ||
    segments.some((part) => part === '' || part === '.' || part === '..')
  ) {
    throw InputError.of(
      Input.RemoteDir,
      `${quoteValue(value)} must be an absolute folder path such as /ssl, made of letters, digits, '.', '_', '-' and '/', without '..'.`,
    );
  }
  return dir;
}

function getMatching(input: Input, pattern: RegExp, fallback: string, what: string): string {
  const value = core.getInput(input);
  if (value === '') return fallback;
  if (!pattern.test(value) || value === '.' || value === '..') {
    throw InputError.of(input, `${quoteValue(value)} is not ${what}.`);
  }
  return value;
}

function getRestartCommand(): string | undefined {
  const value = core.getInput(Input.RestartCommand);
  if (value === '') return undefined;
  if (value.length > 1000 || !COMMAND_CHARACTERS.test(value)) {
    throw InputError.of(
      Input.RestartCommand,
      "must be one line of printable ASCII, without a single quote (') and at most 1000 characters. For anything longer, put a script on the server and call it.",
    );
  }
  return value;
}

function getProbeSettings(): ProbeSettings {
  const problems: Problem[] = [];
  const enabled = collectProblems(problems, () => getBoolean(Input.Probe, true));
  const timeoutSeconds = collectProblems(problems, () =>
    getInteger(Input.ProbeTimeout, 1, 3600, 60),
  );
  const address = collectProblems(problems, getProbeAddress);
  if (enabled === undefined || timeoutSeconds === undefined || problems.length > 0)
    throw new InputError(problems);
  return { enabled, timeoutSeconds, ...(address === undefined ? {} : { address }) };
}

/** `probe-address`: where to connect for the probe, instead of each host. */
export function getProbeAddress(): string | undefined {
  const address = core.getInput(Input.ProbeAddress);
  if (address === '') return undefined;
  const syntax = hostSyntaxError(address);
  if (syntax !== undefined)
    throw InputError.of(Input.ProbeAddress, `${quoteValue(address)} ${syntax}.`);
  return address;
}

/** `max-parallel`: how many hosts are worked on at once. */
export function getMaxParallel(): number {
  return getInteger(Input.MaxParallel, 1, 64, 8);
}
