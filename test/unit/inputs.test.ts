import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Input, Mode } from '../../src/constants.js';
import { InputError } from '../../src/errors.js';
import { getSettings } from '../../src/inputs/input-helper.js';
import { Pki, type Issued } from '../helpers/pki.ts';

// The inputs reach the action as INPUT_<NAME> variables, as the runner sets them.
function setInputs(inputs: Partial<Record<Input, string>>): void {
  for (const name of Object.values(Input))
    Reflect.deleteProperty(process.env, `INPUT_${name.toUpperCase()}`);
  for (const [name, value] of Object.entries(inputs))
    process.env[`INPUT_${name.toUpperCase()}`] = value;
}

function settingsError(): string {
  try {
    getSettings();
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error('the settings were accepted');
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
  it('reads PEM text and paths relative to the workspace', () => {
    setInputs({
      [Input.Mode]: 'validate',
      [Input.Certificate]: 'certs/site.pem',
      [Input.PrivateKey]: leaf.keyPem,
      [Input.Domains]: 'www.example.com,\nExample.com, www.example.com',
    });
    const settings = getSettings();
    expect(settings.mode).toBe(Mode.Validate);
    expect(settings.certificate.certificate.text).toBe(leaf.certPem);
    expect(settings.certificate.certificate.path).toBe('certs/site.pem');
    expect(settings.certificate.domains.map((domain) => domain.name)).toEqual([
      'www.example.com',
      'example.com',
    ]);
    expect(settings.certificate.minDaysRemaining).toBe(7);
  });

  it('masks every secret input the moment it is read, and the content of a key file', () => {
    setInputs({
      [Input.Certificate]: leaf.certPem,
      [Input.PrivateKey]: 'certs/site.key',
      [Input.PrivateKeyPassphrase]: 'pass phrase',
      [Input.SshKey]: 'ssh key text',
      [Input.SshKeyPassphrase]: 'ssh pass',
      [Input.Domains]: 'www.example.com',
    });
    getSettings();
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

  it('lists every missing required input at once', () => {
    setInputs({});
    expect(settingsError().split('\n')).toEqual([
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
      `Input 'min-days-remaining': must be a whole number of days from 0 to 3650; got "seven".`,
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
  ])('refuses %j', (inputs, expected) => {
    setInputs({
      [Input.Certificate]: leaf.certPem,
      [Input.PrivateKey]: leaf.keyPem,
      [Input.Domains]: 'www.example.com',
      ...inputs,
    });
    expect(settingsError()).toContain(
      expected
        .replaceAll('WORKSPACE', workspace)
        .replace(`${workspace}/../`, `${join(workspace, '..')}/`),
    );
  });

  it('refuses a symbolic link that leads out of the workspace', () => {
    writeFileSync(join(pki.dir, 'outside.pem'), leaf.certPem);
    setInputs({
      [Input.Certificate]: 'escape/outside.pem',
      [Input.PrivateKey]: leaf.keyPem,
      [Input.Domains]: 'www.example.com',
    });
    expect(settingsError()).toContain('links to a file outside the workspace');
  });

  it('never quotes the value of a secret input in an error', () => {
    const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';
    setInputs({
      [Input.Certificate]: leaf.certPem,
      [Input.PrivateKey]: body,
      [Input.Domains]: 'www.example.com',
    });
    const text = settingsError();
    expect(text).toContain(
      "Input 'private-key': is not PEM text, and no file exists at the path given",
    );
    expect(text).not.toContain(body);
  });
});
