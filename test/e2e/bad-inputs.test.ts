/**
 * The bad-input corpus: every input, given values that are empty,
 * malformed, of the wrong type, out of range, shell metacharacters, paths
 * outside the workspace, or huge. Each run must exit non-zero with an error
 * that names the input, quote no secret, and leave the server's /ssl and
 * firewall byte-identical.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visibleLog } from '../helpers/action.ts';
import { Pki } from '../helpers/pki.ts';
import { TestHost } from '../helpers/testhost.ts';

// Made when the file loads, since the cases below are listed before any hook runs.
const pki = new Pki();
const root = pki.root('Corpus');
const pair = pki.leaf('localhost', root, { sans: ['DNS:localhost'] });
const stranger = pki.leaf('localhost', root, { sans: ['DNS:localhost'] });
execFileSync('ssh-keygen', [
  '-q',
  '-t',
  'ed25519',
  '-N',
  'corpus-ssh-pass',
  '-f',
  join(pki.dir, 'enc'),
]);
const encryptedSshKey = readFileSync(join(pki.dir, 'enc'), 'utf8');
// The runner's workspace, with a 2 MiB file: a value that large cannot even be passed in the environment.
const workspace = join(pki.dir, 'workspace');
mkdirSync(workspace);
writeFileSync(
  join(workspace, 'huge.pem'),
  `-----BEGIN CERTIFICATE-----\n${'A'.repeat(2 * 1024 * 1024)}\n-----END CERTIFICATE-----\n`,
);
let host: TestHost;
let before: string;
const secrets: string[] = [];

beforeAll(() => {
  host = TestHost.create({ firewall: 'nftables', initial: pair });
  before = host.snapshot();
  for (const text of [pair.keyPem, stranger.keyPem, host.sshKey, encryptedSshKey]) {
    secrets.push(
      ...text.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----')),
    );
  }
  secrets.push('corpus-ssh-pass', 'corpus-pfx-pass', 'wrong-key-pass');
});
afterAll(() => {
  host.destroy();
  pki.dispose();
});

function good(): Record<string, string> {
  return host.deployInputs(pair, root);
}

/** A case: what to change in the good inputs (undefined deletes), and the input the error must name. */
type Case = [string, Record<string, string | undefined>, string];

const PROXY = {
  'proxy-host': '127.0.0.1',
  'proxy-host-fingerprint': 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
};
const cases = (): Case[] => [
  ['an unknown mode', { mode: 'deploy-now' }, 'mode'],
  ['an empty certificate', { certificate: '' }, 'certificate'],
  ['garbage as certificate', { certificate: 'hello world' }, 'certificate'],
  [
    'a path outside the workspace',
    { certificate: '../../../etc/ssl/certs/ca-certificates.crt' },
    'certificate',
  ],
  ['an absolute path outside the workspace', { certificate: '/etc/passwd' }, 'certificate'],
  ['a private key as certificate', { certificate: pair.keyPem }, 'certificate'],
  ['a huge certificate file', { certificate: 'huge.pem' }, 'certificate'],
  ['a huge domains value', { domains: 'a'.repeat(100_000) }, 'domains'],
  ['an empty private key', { 'private-key': '' }, 'private-key'],
  ['a certificate as private key', { 'private-key': pair.certPem }, 'private-key'],
  ["another certificate's key", { 'private-key': stranger.keyPem }, 'private-key'],
  [
    'a base64 key without its PEM lines',
    { 'private-key': pair.keyPem.split('\n').slice(1, -2).join('') },
    'private-key',
  ],
  [
    'a passphrase for a wrong encrypted key',
    {
      'private-key': pki.convertKey(pair.keyPath, 'pkcs8-encrypted', 'right'),
      'private-key-passphrase': 'wrong-key-pass',
    },
    'private-key-passphrase',
  ],
  ['a key in chain', { chain: pair.keyPem }, 'chain'],
  ['no domains', { domains: '' }, 'domains'],
  ['an empty label', { domains: 'a..localhost' }, 'domains'],
  ['shell metacharacters in a domain', { domains: 'localhost;reboot' }, 'domains'],
  ['a domain the certificate does not cover', { domains: 'www.example.org' }, 'domains'],
  ['a ca-bundle path that does not exist', { 'ca-bundle': 'nope/ca.pem' }, 'ca-bundle'],
  ['negative min-days-remaining', { 'min-days-remaining': '-5' }, 'min-days-remaining'],
  ['min-days-remaining out of range', { 'min-days-remaining': '99999' }, 'min-days-remaining'],
  ['no host', { host: '' }, 'host'],
  ['shell metacharacters in host', { host: '127.0.0.1;id' }, 'host'],
  ['a port out of range', { port: '70000' }, 'port'],
  ['a user name with a space', { username: 'de ploy' }, 'username'],
  ['garbage as ssh-key', { 'ssh-key': 'not a key at all' }, 'ssh-key'],
  [
    'an encrypted ssh-key without its passphrase',
    { 'ssh-key': encryptedSshKey },
    'ssh-key-passphrase',
  ],
  ['an MD5 fingerprint', { 'host-fingerprint': 'MD5:de:ad:be:ef' }, 'host-fingerprint'],
  ['no host key pin', { 'host-fingerprint': undefined }, 'host-fingerprint'],
  [
    'a malformed known_hosts line',
    { 'host-fingerprint': undefined, 'known-hosts': 'just-a-name' },
    'known-hosts',
  ],
  [
    'a non-boolean insecure-ignore-host-key',
    { 'host-fingerprint': undefined, 'insecure-ignore-host-key': 'maybe' },
    'insecure-ignore-host-key',
  ],
  ['a remote-dir climbing out', { 'remote-dir': '/ssl/../etc' }, 'remote-dir'],
  ['a relative remote-dir', { 'remote-dir': 'ssl' }, 'remote-dir'],
  ['a cert-name with a slash', { 'cert-name': 'sub/cert.pem' }, 'cert-name'],
  ['a key-name equal to cert-name', { 'key-name': 'cert.pem' }, 'key-name'],
  ['shell metacharacters in owner', { owner: 'root;id' }, 'owner'],
  ['a command substitution as service', { service: '$(reboot)' }, 'service'],
  ['an unknown service-manager', { 'service-manager': 'launchd' }, 'service-manager'],
  [
    'a quote in restart-command',
    { 'restart-command': "kill -HUP $(cat '/run/app.pid')" },
    'restart-command',
  ],
  ['an unknown firewall', { firewall: 'pf' }, 'firewall'],
  ['https-port 0', { 'https-port': '0' }, 'https-port'],
  ['a non-boolean probe', { probe: 'yes' }, 'probe'],
  ['a probe-address with a space', { 'probe-address': 'a b' }, 'probe-address'],
  ['probe-timeout out of range', { 'probe-timeout': '99999' }, 'probe-timeout'],
  ['a word as connect-timeout', { 'connect-timeout': 'soon' }, 'connect-timeout'],
  ['restart-timeout 0', { 'restart-timeout': '0' }, 'restart-timeout'],
  ['a negative lock-timeout', { 'lock-timeout': '-1' }, 'lock-timeout'],
  ['a non-boolean dry-run', { 'dry-run': 'sometimes' }, 'dry-run'],
  ['max-parallel 0', { 'max-parallel': '0' }, 'max-parallel'],
  [
    'garbage as pfx',
    { pfx: '%%% not base64 %%%', certificate: undefined, 'private-key': undefined },
    'pfx',
  ],
  ['pfx beside certificate', { pfx: 'AAAA' }, 'pfx'],
  ['a jump host with a space', { ...PROXY, 'proxy-host': 'jump host' }, 'proxy-host'],
  ['a word as proxy-port', { ...PROXY, 'proxy-port': 'twenty-two' }, 'proxy-port'],
  ['a proxy-username with a space', { ...PROXY, 'proxy-username': 'a b' }, 'proxy-username'],
  ['garbage as proxy-ssh-key', { ...PROXY, 'proxy-ssh-key': 'junk' }, 'proxy-ssh-key'],
  [
    'a jump host without its pin',
    { ...PROXY, 'proxy-host-fingerprint': undefined },
    'proxy-host-fingerprint',
  ],
];

describe('the bad-input corpus', () => {
  it('has at least 30 distinct cases covering every input', () => {
    expect(cases().length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases())('%s: refused, named, nothing quoted, server untouched', (_, change, input) => {
    const inputs = good();
    for (const [name, value] of Object.entries(change)) {
      if (value === undefined) Reflect.deleteProperty(inputs, name);
      else inputs[name] = value;
    }
    const run = host.runAction(inputs, { workspace });
    expect(run.status).not.toBe(0);
    expect(run.error).toContain(`Input '${input}':`);
    const log = visibleLog(run);
    for (const secret of secrets) expect(log).not.toContain(secret);
    expect(host.snapshot()).toBe(before);
  });
});
