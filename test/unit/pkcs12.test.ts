import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPkcs12 } from '../../src/certificate/pkcs12.js';
import { inputErrorOfAsync } from '../helpers/errors.ts';
import { Pki, type Issued } from '../helpers/pki.ts';

let pki: Pki;
let mid: Issued;

beforeAll(() => {
  pki = new Pki();
  mid = pki.intermediate('PFX', pki.root('PFX'));
});
afterAll(() => {
  pki.dispose();
});

/** A .pfx made by OpenSSL 3 with its defaults (AES-256, PBKDF2) or with -legacy (RC2/3DES), base64-encoded. */
function pfx(leaf: Issued, legacy: boolean, password = 'export-pw'): string {
  const out = join(pki.dir, `bundle-${String(Math.random()).slice(2)}.pfx`);
  execFileSync('openssl', [
    'pkcs12',
    '-export',
    ...(legacy ? ['-legacy'] : []),
    '-inkey',
    leaf.keyPath,
    '-in',
    leaf.certPath,
    '-certfile',
    mid.certPath,
    '-passout',
    `pass:${password}`,
    '-out',
    out,
  ]);
  return readFileSync(out).toString('base64');
}

describe('PKCS#12', () => {
  it.each([
    ['rsa2048', false],
    ['rsa2048', true],
    ['p256', false],
    ['p256', true],
    ['p384', false],
    ['ed25519', false],
  ] as const)(
    'reads a %s bundle (legacy: %s) into the exact leaf, its chain and its key',
    async (key, legacy) => {
      const leaf = pki.leaf('www.example.com', mid, { key });
      const contents = await readPkcs12(pfx(leaf, legacy), 'export-pw');
      const certs =
        contents.certificatePem.match(
          /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g,
        ) ?? [];
      expect(certs.map((pem) => new X509Certificate(pem).fingerprint256)).toEqual([
        new X509Certificate(leaf.certPem).fingerprint256,
        new X509Certificate(mid.certPem).fingerprint256,
      ]);
      // The key comes out as unencrypted PKCS#8, and it is the leaf's.
      expect(contents.keyPem).toContain('-----BEGIN PRIVATE KEY-----');
      expect(
        new X509Certificate(leaf.certPem).checkPrivateKey(createPrivateKey(contents.keyPem)),
      ).toBe(true);
    },
  );

  it('refuses a wrong password, and something that is not a bundle', async () => {
    const bundle = pfx(pki.leaf('www.example.com', mid), false);
    expect(await inputErrorOfAsync(() => readPkcs12(bundle, 'nope'))).toContain(
      "Input 'pfx-password': does not open the PKCS#12 bundle.",
    );
    expect(await inputErrorOfAsync(() => readPkcs12('bm90IGEgcGZ4', 'pw'))).toContain(
      "Input 'pfx': is not a PKCS#12 (.pfx/.p12) bundle.",
    );
    expect(await inputErrorOfAsync(() => readPkcs12('%%%', 'pw'))).toContain(
      "Input 'pfx': is not base64.",
    );
  });
});
