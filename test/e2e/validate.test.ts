/**
 * The bundled action in `mode: validate`, run as the runner runs it: Node 24,
 * dist/ alone, inputs in INPUT_* variables. Checks exit codes, messages,
 * outputs and the job summary against certificates made by openssl.
 */
import { readdirSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, visibleLog } from '../helpers/action.ts';
import { Pki, type Issued } from '../helpers/pki.ts';

let pki: Pki;
let root: Issued;
let mid: Issued;
let leaf: Issued;
let workspace: string;

beforeAll(() => {
  pki = new Pki();
  root = pki.root('E2E', 'rsa2048');
  mid = pki.intermediate('E2E', root);
  leaf = pki.leaf('www.example.com', mid, {
    key: 'rsa2048',
    sans: ['DNS:www.example.com', 'DNS:*.api.example.com', 'IP:127.0.0.1'],
  });
  workspace = mkdtempSync(join(tmpdir(), 'fsd-e2e-workspace-'));
  mkdirSync(join(workspace, 'tls'));
  writeFileSync(join(workspace, 'tls', 'fullchain.pem'), leaf.certPem + mid.certPem);
  writeFileSync(join(workspace, 'tls', 'root.pem'), root.certPem);
});
afterAll(() => {
  pki.dispose();
  rmSync(workspace, { recursive: true, force: true });
});

describe('dist/index.js in mode validate', () => {
  it('holds no native module and nothing besides the bundle and its chunks', () => {
    expect(readdirSync('dist').sort()).toEqual(['chunks', 'cli.js', 'index.js', 'package.json']);
    const chunks = readdirSync('dist/chunks');
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) expect(chunk).toMatch(/^[\w-]+\.js$/);
  });

  it('fails with its own message when given no inputs at all', () => {
    const run = runAction({});
    expect(run.status).toBe(1);
    expect(run.error).toContain("Input 'certificate': is required.");
    expect(run.stderr).not.toMatch(/ReferenceError|TypeError|at .*index\.js/);
  });

  it('passes a good bundle read from workspace files and sets every output', () => {
    const run = runAction(
      {
        mode: 'validate',
        certificate: 'tls/fullchain.pem',
        'private-key': leaf.keyPem,
        'ca-bundle': 'tls/root.pem',
        domains: 'www.example.com\nv1.api.example.com, 127.0.0.1',
      },
      { workspace },
    );
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    const x509 = new X509Certificate(leaf.certPem);
    expect(run.outputs).toMatchObject({
      fingerprint: x509.fingerprint256,
      serial: x509.serialNumber,
      'not-after': new Date(x509.validTo).toISOString(),
      'days-remaining': '89',
      domains: 'www.example.com,*.api.example.com,127.0.0.1',
    });
    expect(run.summary).toContain('Certificate validated');
    expect(run.summary).toContain(x509.fingerprint256);
    expect(visibleLog(run)).not.toContain(leaf.keyPem.split('\n')[1]);
  });

  it.each([
    [
      'a domain two labels under the wildcard',
      { domains: 'a.b.api.example.com' },
      "Input 'domains': the certificate does not cover a.b.api.example.com.",
    ],
    [
      'a missing intermediate',
      { certificate: 'LEAF' },
      `Input 'chain': the chain is incomplete: the issuer "CN=E2E Intermediate CA"`,
    ],
    [
      'a path that does not exist',
      { 'ca-bundle': 'tls/nope.pem' },
      `Input 'ca-bundle': is not PEM text, and no file exists at the path "tls/nope.pem"`,
    ],
    [
      'a high min-days-remaining',
      { 'min-days-remaining': '100' },
      'in 89 days, fewer than min-days-remaining (100)',
    ],
  ])('fails on %s, naming the input', (_, change, expected) => {
    const inputs: Record<string, string> = {
      mode: 'validate',
      certificate: 'tls/fullchain.pem',
      'private-key': leaf.keyPem,
      'ca-bundle': 'tls/root.pem',
      domains: 'www.example.com',
      ...change,
    };
    if (inputs.certificate === 'LEAF') inputs.certificate = leaf.certPem;
    const run = runAction(inputs, { workspace });
    expect(run.status).toBe(1);
    expect(run.error).toContain(expected);
    expect(visibleLog(run)).not.toContain(leaf.keyPem.split('\n')[1]);
  });

  it('refuses a wrong passphrase and never prints it', () => {
    const encrypted = pki.convertKey(leaf.keyPath, 'pkcs8-encrypted', 'right-passphrase');
    const run = runAction(
      {
        mode: 'validate',
        certificate: 'tls/fullchain.pem',
        'private-key': encrypted,
        'private-key-passphrase': 'wrong-passphrase',
        'ca-bundle': 'tls/root.pem',
        domains: 'www.example.com',
      },
      { workspace },
    );
    expect(run.status).toBe(1);
    expect(run.error).toContain(
      "Input 'private-key-passphrase': does not decrypt the private key.",
    );
    expect(run.stdout).toContain('::add-mask::wrong-passphrase');
    expect(visibleLog(run)).not.toContain('wrong-passphrase');
    expect(visibleLog(run)).not.toContain(encrypted.split('\n')[1]);
  });

  it('refuses an expired certificate', () => {
    const expired = pki.leaf('www.example.com', root, { startDays: -30, endDays: -1 });
    const run = runAction({
      mode: 'validate',
      certificate: expired.certPem,
      'private-key': expired.keyPem,
      'ca-bundle': root.certPem,
      domains: 'www.example.com',
    });
    expect(run.status).toBe(1);
    expect(run.error).toMatch(/^Input 'certificate': the certificate expired on \d{4}-/);
  });
});
