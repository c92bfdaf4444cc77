import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Input, Mode } from '../../src/constants.js';
import { getSettings } from '../../src/inputs/input-helper.js';
import type { DeploySettings } from '../../src/inputs/settings.js';
import { inputErrorOfAsync } from '../helpers/errors.ts';
import { Pki, type Issued } from '../helpers/pki.ts';

// The inputs reach the action as INPUT_<NAME> variables, as the runner sets them.
function setInputs(inputs: Partial<Record<Input, string>>): void {
  for (const name of Object.values(Input))
    Reflect.deleteProperty(process.env, `INPUT_${name.toUpperCase()}`);
  for (const [name, value] of Object.entries(inputs))
    process.env[`INPUT_${name.toUpperCase()}`] = value;
}

/** The deploy part of the settings, failing the test in any other mode. */
async function deploySettings(): Promise<DeploySettings> {
  const settings = await getSettings();
  if (settings.mode !== Mode.Deploy) throw new Error(`mode ${settings.mode}`);
  return settings.deploy;
}

function settingsError(): Promise<string> {
  return inputErrorOfAsync(getSettings);
}

let pki: Pki;
let leaf: Issued;
let workspace: string;
let stdout: string[];

beforeAll(() => {
  pki = new Pki();
  leaf = pki.leaf('www.example.com', pki.root('Inputs'));
  workspace = mkdtempSync(join(tmpdir(), 'fsd-workspace-'));
  mkdirSync(join(workspace, 'certs'));
  writeFileSync(join(workspace, 'certs', 'site.pem'), leaf.certPem.replace(/\n/g, '\r\n'));
  writeFileSync(join(workspace, 'certs', 'site.key'), leaf.keyPem);
  symlinkSync(pki.dir, join(workspace, 'escape'));
  process.env.GITHUB_WORKSPACE = workspace;
});
afterAll(() => {
  rmSync(workspace, { recursive: true, force: true });
  pki.dispose();
});
beforeEach(() => {
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  setInputs({});
});

describe('settings', () => {
  it('reads PEM text and paths relative to the workspace', async () => {
    setInputs({
      [Input.Mode]: 'validate',
      [Input.Certificate]: 'certs/site.pem',
      [Input.PrivateKey]: leaf.keyPem,
      [Input.Domains]: 'www.example.com,\nExample.com, www.example.com',
    });
    const settings = await getSettings();
    if (settings.mode !== Mode.Validate) throw new Error(`mode ${settings.mode}`);
    expect(settings.certificate.certificate.text).toBe(leaf.certPem);
    expect(settings.certificate.certificate.path).toBe('certs/site.pem');
    expect(settings.certificate.domains.map((domain) => domain.name)).toEqual([
      'www.example.com',
      'example.com',
    ]);
    expect(settings.certificate.minDaysRemaining).toBe(7);
  });

  it('masks every secret input the moment it is read, and the content of a key file', async () => {
    setInputs({
      [Input.Mode]: 'validate',
      [Input.Certificate]: leaf.certPem,
      [Input.PrivateKey]: 'certs/site.key',
      [Input.PrivateKeyPassphrase]: 'pass phrase',
      [Input.SshKey]: 'ssh key text',
      [Input.SshKeyPassphrase]: 'ssh pass',
      [Input.Domains]: 'www.example.com',
    });
    await getSettings();
    const masks = stdout.filter((line) => line.startsWith('::add-mask::'));
    for (const secret of [
      'certs/site.key',
      'pass phrase',
      'ssh key text',
      'ssh pass',
      leaf.keyPem.split('\n')[1],
    ]) {
      expect(masks.some((line) => line.includes(String(secret)))).toBe(true);
    }
  });

  it('lists every missing required input at once', async () => {
    setInputs({ [Input.Mode]: 'validate' });
    expect((await settingsError()).split('\n')).toEqual([
      "Input 'certificate': is required. Set it to the PEM text (from a secret) or to the path of a PEM file in the workspace.",
      "Input 'private-key': is required. Set it to the PEM text (from a secret) or to the path of a PEM file in the workspace.",
      "Input 'domains': is required: list the names the certificate must cover, one per line or separated by commas.",
    ]);
  });

  it.each([
    [
      { [Input.Mode]: 'deploy-now' },
      `Input 'mode': must be one of deploy, check, validate; got "deploy-now".`,
    ],
    [
      { [Input.MinDaysRemaining]: 'seven' },
      `Input 'min-days-remaining': must be a whole number from 0 to 3650; got "seven".`,
    ],
    [{ [Input.MinDaysRemaining]: '-1' }, `Input 'min-days-remaining': must be a whole number`],
    [{ [Input.Domains]: 'a..example.com' }, `Input 'domains': "a..example.com" has an empty label`],
    [
      { [Input.Certificate]: 'certs/missing.pem' },
      `Input 'certificate': is not PEM text, and no file exists at the path "certs/missing.pem" (WORKSPACE/certs/missing.pem)`,
    ],
    [
      { [Input.Certificate]: '../outside.pem' },
      `(WORKSPACE/../outside.pem) is outside the workspace WORKSPACE.`,
    ],
    [
      { [Input.Certificate]: '/etc/passwd' },
      `Input 'certificate': the path "/etc/passwd" (/etc/passwd) is outside the workspace`,
    ],
    [
      { [Input.Certificate]: 'escape/anything.pem' },
      `Input 'certificate': is not PEM text, and no file exists`,
    ],
    [{ [Input.Certificate]: 'certs' }, 'is not a regular file'],
    [
      { [Input.Certificate]: 'x'.repeat(2 * 1024 * 1024) },
      `Input 'certificate': is larger than 1048576 bytes`,
    ],
  ])('refuses %j', async (inputs, expected) => {
    setInputs({
      [Input.Certificate]: leaf.certPem,
      [Input.PrivateKey]: leaf.keyPem,
      [Input.Domains]: 'www.example.com',
      ...inputs,
    });
    expect(await settingsError()).toContain(
      expected
        .replaceAll('WORKSPACE', workspace)
        .replace(`${workspace}/../`, `${join(workspace, '..')}/`),
    );
  });

  it('refuses a symbolic link that leads out of the workspace', async () => {
    writeFileSync(join(pki.dir, 'outside.pem'), leaf.certPem);
    setInputs({
      [Input.Certificate]: 'escape/outside.pem',
      [Input.PrivateKey]: leaf.keyPem,
      [Input.Domains]: 'www.example.com',
    });
    expect(await settingsError()).toContain('links to a file outside the workspace');
  });

  it('never quotes the value of a secret input in an error', async () => {
    const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';
    setInputs({
      [Input.Certificate]: leaf.certPem,
      [Input.PrivateKey]: body,
      [Input.Domains]: 'www.example.com',
    });
    const text = await settingsError();
    expect(text).toContain(
      "Input 'private-key': is not PEM text, and no file exists at the path given",
    );
    expect(text).not.toContain(body);
  });
});

describe('deploy settings', () => {
  let sshKey: string;
  let encryptedSshKey: string;
  const fingerprint = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';

  beforeAll(() => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(pki.dir, 'id')]);
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      'ssh-pass',
      '-f',
      join(pki.dir, 'id-enc'),
    ]);
    sshKey = readFileSync(join(pki.dir, 'id'), 'utf8');
    encryptedSshKey = readFileSync(join(pki.dir, 'id-enc'), 'utf8');
  });

  function deployInputs(
    extra: Partial<Record<Input, string>> = {},
  ): Partial<Record<Input, string>> {
    return {
      [Input.Certificate]: leaf.certPem,
      [Input.PrivateKey]: leaf.keyPem,
      [Input.Domains]: 'www.example.com',
      [Input.Host]: 'web1.example.com',
      [Input.Username]: 'deploy',
      [Input.SshKey]: sshKey,
      [Input.HostFingerprint]: fingerprint,
      [Input.Service]: 'flaskapp',
      ...extra,
    };
  }

  it('reads hosts, defaults and the pinned host key', async () => {
    setInputs(
      deployInputs({
        [Input.Host]: 'web1.example.com\nweb2.example.com:2222, [2001:db8::1]:2200',
        [Input.HostFingerprint]: `256 ${fingerprint} root@web1 (ED25519)`,
      }),
    );
    const deploy = await deploySettings();
    expect(deploy.ssh.targets).toEqual([
      { host: 'web1.example.com', port: 22 },
      { host: 'web2.example.com', port: 2222 },
      { host: '2001:db8::1', port: 2200 },
    ]);
    expect(deploy.ssh.hostKey).toEqual({ kind: 'fingerprints', fingerprints: [fingerprint] });
    expect(deploy.remote).toMatchObject({
      dir: '/ssl',
      certName: 'cert.pem',
      keyName: 'cert.key',
      httpsPort: 443,
      serviceManager: 'auto',
      firewall: 'auto',
    });
    expect(deploy.probe).toEqual({ enabled: true, timeoutSeconds: 60 });
  });

  it('needs no server input in mode validate', async () => {
    setInputs({
      [Input.Mode]: 'validate',
      [Input.Certificate]: leaf.certPem,
      [Input.PrivateKey]: leaf.keyPem,
      [Input.Domains]: 'www.example.com',
    });
    expect((await getSettings()).mode).toBe(Mode.Validate);
  });

  it.each([
    [{ [Input.Host]: '' }, "Input 'host': is required in mode deploy"],
    [
      { [Input.Host]: 'web1;reboot' },
      `Input 'host': "web1;reboot" has a character that cannot be in a host name`,
    ],
    [{ [Input.Host]: 'web1:70000' }, 'has a port outside 1-65535'],
    [{ [Input.Port]: '0' }, "Input 'port': must be a whole number from 1 to 65535"],
    [{ [Input.Username]: 'de ploy' }, `Input 'username': "de ploy" is not a valid user name`],
    [{ [Input.SshKey]: '' }, "Input 'ssh-key': is required in mode deploy (or password)"],
    [{ [Input.SshKey]: 'not a key' }, "Input 'ssh-key': is not a private SSH key that can be read"],
    [{ [Input.HostFingerprint]: '' }, "Input 'host-fingerprint': is required (or 'known-hosts')"],
    [
      { [Input.HostFingerprint]: 'MD5:12:34' },
      `Input 'host-fingerprint': "MD5:12:34" is not a SHA256 fingerprint`,
    ],
    [
      { [Input.HostFingerprint]: '', [Input.KnownHosts]: 'just-a-host' },
      "Input 'known-hosts': line 1 is not a known_hosts line",
    ],
    [
      { [Input.HostFingerprint]: '', [Input.InsecureIgnoreHostKey]: 'yes' },
      "Input 'insecure-ignore-host-key': must be true or false",
    ],
    [{ [Input.RemoteDir]: 'ssl' }, 'Input \'remote-dir\': "ssl" must be an absolute folder path'],
    [
      { [Input.RemoteDir]: '/ssl/../etc' },
      'Input \'remote-dir\': "/ssl/../etc" must be an absolute folder path',
    ],
    [{ [Input.RemoteDir]: '/ssl dir' }, "Input 'remote-dir'"],
    [{ [Input.RemoteDir]: '/' }, "Input 'remote-dir'"],
    [{ [Input.CertName]: '../cert.pem' }, `Input 'cert-name': "../cert.pem" is not a file name`],
    [{ [Input.KeyName]: 'cert.pem' }, "Input 'key-name': must differ from cert-name"],
    [{ [Input.Owner]: 'www data' }, 'Input \'owner\': "www data" is not user or user:group'],
    [
      { [Input.Service]: 'app$(id)' },
      `Input 'service': "app$(id)" is not a service or program name`,
    ],
    [{ [Input.Service]: '' }, "Input 'service': is required"],
    [
      { [Input.ServiceManager]: 'runit' },
      "Input 'service-manager': must be one of auto, systemd, supervisor, none",
    ],
    [
      { [Input.RestartCommand]: "kill -HUP $(cat '/run/app.pid')" },
      "Input 'restart-command': must be one line of printable ASCII, without a single quote",
    ],
    [
      { [Input.Firewall]: 'pf' },
      "Input 'firewall': must be one of auto, firewalld, ufw, nftables, iptables, none",
    ],
    [{ [Input.HttpsPort]: '443x' }, "Input 'https-port': must be a whole number from 1 to 65535"],
    [{ [Input.Probe]: 'yes' }, "Input 'probe': must be true or false"],
    [{ [Input.ProbeAddress]: 'a b' }, "Input 'probe-address'"],
    [{ [Input.ProbeTimeout]: '0' }, "Input 'probe-timeout': must be a whole number from 1 to 3600"],
    [
      { [Input.ConnectTimeout]: '999' },
      "Input 'connect-timeout': must be a whole number from 1 to 300",
    ],
  ])('refuses %j', async (extra, expected) => {
    setInputs(deployInputs(extra));
    expect(await settingsError()).toContain(expected);
  });

  it('asks for the SSH key passphrase, refuses a wrong one, and quotes neither key nor passphrase', async () => {
    setInputs(deployInputs({ [Input.SshKey]: encryptedSshKey }));
    expect(await settingsError()).toContain(
      "Input 'ssh-key-passphrase': is required: the key in 'ssh-key' is encrypted.",
    );
    setInputs(
      deployInputs({ [Input.SshKey]: encryptedSshKey, [Input.SshKeyPassphrase]: 'wrong-pass' }),
    );
    const text = await settingsError();
    expect(text).toContain("Input 'ssh-key-passphrase': does not decrypt the key in 'ssh-key'.");
    expect(text).not.toContain('wrong-pass');
    setInputs(
      deployInputs({ [Input.SshKey]: encryptedSshKey, [Input.SshKeyPassphrase]: 'ssh-pass' }),
    );
    expect((await deploySettings()).ssh.passphrase).toBe('ssh-pass');
  });

  it('accepts an explicit insecure-ignore-host-key instead of a pin', async () => {
    setInputs(deployInputs({ [Input.HostFingerprint]: '', [Input.InsecureIgnoreHostKey]: 'true' }));
    expect((await deploySettings()).ssh.hostKey).toEqual({ kind: 'insecure' });
  });
});
