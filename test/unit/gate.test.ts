import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateBundle } from '../../src/certificate/gate.js';
import { inputErrorOf } from '../helpers/errors.ts';
import { Pki, type Issued } from '../helpers/pki.ts';
import { certificateSettings, type BundleText } from '../helpers/settings.ts';

/** Runs the gate with the given text and returns the message of the InputError it throws. */
function gateError(text: BundleText, now = new Date()): string {
  return inputErrorOf(() => validateBundle(certificateSettings(text), { now, systemRoots: [] }));
}

function accept(text: BundleText, now = new Date()) {
  return validateBundle(certificateSettings(text), { now, systemRoots: [] });
}

let pki: Pki;
let root: Issued;
let mid: Issued;
let otherRoot: Issued;

beforeAll(() => {
  pki = new Pki();
  root = pki.root('Gate Test', 'rsa2048');
  mid = pki.intermediate('Gate Test', root);
  otherRoot = pki.root('Unrelated');
});
afterAll(() => {
  pki.dispose();
});

/** A leaf issued by the intermediate, passed the common way: certificate + chain, root in ca-bundle. */
function issue(name: string, options: Parameters<Pki['leaf']>[2] = {}): Issued {
  return pki.leaf(name, mid, options);
}
function passApart(leaf: Issued, domains: string[], extra: Partial<BundleText> = {}): BundleText {
  return {
    certificate: leaf.certPem,
    privateKey: leaf.keyPem,
    chain: mid.certPem,
    caBundle: root.certPem,
    domains,
    ...extra,
  };
}

describe('key types', () => {
  it.each(['rsa2048', 'p256', 'p384', 'ed25519'] as const)('accepts a matching %s pair', (key) => {
    const leaf = issue('www.example.com', { key });
    const bundle = accept(passApart(leaf, ['www.example.com']));
    expect(bundle.facts.sans).toEqual(['www.example.com']);
    expect(bundle.facts.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(bundle.fullchainPem).toBe(leaf.certPem + mid.certPem);
  });

  it('refuses a key that belongs to another certificate', () => {
    const leaf = issue('www.example.com');
    const stranger = issue('www.example.com');
    const message = gateError(
      passApart(leaf, ['www.example.com'], { privateKey: stranger.keyPem }),
    );
    expect(message).toMatch(
      /^Input 'private-key': the key does not match the certificate "CN=www.example.com"/,
    );
  });

  it('says the order is wrong when the key belongs to a later certificate', () => {
    const leaf = issue('www.example.com');
    const message = gateError({
      certificate: mid.certPem + leaf.certPem,
      privateKey: leaf.keyPem,
      caBundle: root.certPem,
      domains: ['www.example.com'],
    });
    expect(message).toContain('belongs to certificate 2 of the bundle');
    expect(message).toContain('Put the server');
  });

  it('refuses an RSA key of 1024 bits', () => {
    const leaf = issue('www.example.com', { key: 'rsa1024' });
    expect(gateError(passApart(leaf, ['www.example.com']))).toContain(
      "Input 'private-key': the RSA key has 1024 bits; at least 2048 are required.",
    );
  });
});

describe('encrypted and traditional keys', () => {
  let leaf: Issued;
  beforeAll(() => {
    leaf = issue('www.example.com', { key: 'rsa2048' });
  });

  it('reads an encrypted PKCS#8 key with the right passphrase and hands out the key decrypted', () => {
    const encrypted = pki.convertKey(leaf.keyPath, 'pkcs8-encrypted', 'correct horse');
    expect(encrypted).toContain('ENCRYPTED PRIVATE KEY');
    const bundle = accept(
      passApart(leaf, ['www.example.com'], { privateKey: encrypted, passphrase: 'correct horse' }),
    );
    expect(bundle.keyPem).toContain('-----BEGIN PRIVATE KEY-----');
  });

  it('reads an encrypted traditional (PKCS#1) key', () => {
    const encrypted = pki.convertKey(leaf.keyPath, 'traditional-encrypted', 'pw');
    expect(encrypted).toContain('Proc-Type: 4,ENCRYPTED');
    accept(passApart(leaf, ['www.example.com'], { privateKey: encrypted, passphrase: 'pw' }));
  });

  it('refuses a wrong passphrase without quoting it or the key', () => {
    const encrypted = pki.convertKey(leaf.keyPath, 'pkcs8-encrypted', 'correct horse');
    const message = gateError(
      passApart(leaf, ['www.example.com'], { privateKey: encrypted, passphrase: 'battery staple' }),
    );
    expect(message).toBe(
      "Input 'private-key-passphrase': does not decrypt the private key. Check that the secret holds the passphrase of this very key.",
    );
  });

  it('asks for the passphrase when it is missing', () => {
    const encrypted = pki.convertKey(leaf.keyPath, 'pkcs8-encrypted', 'pw');
    expect(gateError(passApart(leaf, ['www.example.com'], { privateKey: encrypted }))).toMatch(
      /^Input 'private-key-passphrase': is required: the private key is encrypted/,
    );
  });

  it('reads PKCS#1 RSA and SEC1 EC keys as they are', () => {
    accept(
      passApart(leaf, ['www.example.com'], {
        privateKey: pki.convertKey(leaf.keyPath, 'traditional'),
      }),
    );
    const ec = issue('www.example.com', { key: 'p384' });
    const sec1 = pki.convertKey(ec.keyPath, 'traditional');
    expect(sec1).toContain('BEGIN EC PRIVATE KEY');
    expect(accept(passApart(ec, ['www.example.com'], { privateKey: sec1 })).keyPem).toBe(sec1);
  });
});

describe('domain coverage', () => {
  let wildcard: Issued;
  beforeAll(() => {
    wildcard = issue('wild', { sans: ['DNS:*.example.com'] });
  });

  it('covers exactly one label under a wildcard, case-insensitively', () => {
    accept(passApart(wildcard, ['www.example.com', 'API.Example.COM']));
  });

  it('never covers the apex or two labels with a wildcard, and lists what it covers', () => {
    const message = gateError(
      passApart(wildcard, ['www.example.com', 'example.com', 'a.b.example.com']),
    );
    expect(message).toContain(
      "Input 'domains': the certificate does not cover example.com, a.b.example.com. It covers: *.example.com.",
    );
  });

  it('checks every name of a multi-SAN certificate', () => {
    const multi = issue('multi', {
      sans: ['DNS:example.com', 'DNS:www.example.com', 'DNS:shop.example.org'],
    });
    accept(passApart(multi, ['example.com', 'www.example.com', 'shop.example.org']));
    expect(gateError(passApart(multi, ['example.com', 'mail.example.com']))).toContain(
      'does not cover mail.example.com. It covers: example.com, www.example.com, shop.example.org.',
    );
  });

  it('matches an IP address only against an IP SAN', () => {
    const withIp = issue('ip', { sans: ['DNS:127.0.0.2', 'IP:127.0.0.1', 'IP:::1'] });
    accept(passApart(withIp, ['127.0.0.1', '::1', '[0:0:0:0:0:0:0:1]']));
    expect(gateError(passApart(withIp, ['127.0.0.2']))).toContain('does not cover 127.0.0.2');
  });

  it('ignores the subject CN when there is no SAN', () => {
    const cnOnly = issue('www.example.com', { sans: [] });
    expect(gateError(passApart(cnOnly, ['www.example.com']))).toContain(
      'It covers: no name at all',
    );
  });
});

describe('validity', () => {
  it('refuses an expired certificate', () => {
    const expired = issue('www.example.com', { startDays: -100, endDays: -2 });
    expect(gateError(passApart(expired, ['www.example.com']))).toMatch(
      /^Input 'certificate': the certificate expired on /,
    );
  });

  it('refuses a certificate that is not valid yet', () => {
    const future = issue('www.example.com', { startDays: 3, endDays: 90 });
    expect(gateError(passApart(future, ['www.example.com']))).toContain(
      'is not valid yet: it starts on',
    );
  });

  it('refuses one that expires within min-days-remaining and says how many days are left', () => {
    const soon = issue('www.example.com', { endDays: 5.5 });
    expect(gateError(passApart(soon, ['www.example.com']))).toContain(
      'in 5 days, fewer than min-days-remaining (7)',
    );
    const bundle = accept(passApart(soon, ['www.example.com'], { minDaysRemaining: 5 }));
    expect(bundle.facts.daysRemaining).toBe(5);
  });
});

describe('chain', () => {
  it('accepts a full chain in certificate, and the leaf and chain passed apart', () => {
    const leaf = issue('www.example.com');
    accept({
      certificate: leaf.certPem + mid.certPem,
      privateKey: leaf.keyPem,
      caBundle: root.certPem,
      domains: ['www.example.com'],
    });
    accept(passApart(leaf, ['www.example.com']));
  });

  it('names the missing issuer when the intermediate is left out', () => {
    const leaf = issue('www.example.com');
    const message = gateError({
      certificate: leaf.certPem,
      privateKey: leaf.keyPem,
      caBundle: root.certPem,
      domains: ['www.example.com'],
    });
    expect(message).toContain(
      `Input 'chain': the chain is incomplete: the issuer "CN=Gate Test Intermediate CA" of certificate 1 is missing`,
    );
  });

  it('refuses a chain that ends at an untrusted root', () => {
    const leaf = issue('www.example.com');
    const message = gateError({
      certificate: leaf.certPem,
      chain: mid.certPem + root.certPem,
      privateKey: leaf.keyPem,
      domains: ['www.example.com'],
    });
    expect(message).toContain('the chain ends at the root "CN=Gate Test Root CA"');
    expect(message).toContain("pass it in 'ca-bundle'");
  });

  it('refuses certificates out of order', () => {
    const leaf = issue('www.example.com');
    const leaf2 = issue('other.example.com');
    const message = gateError(
      passApart(leaf, ['www.example.com'], { chain: leaf2.certPem + mid.certPem }),
    );
    expect(message).toContain('Input \'chain\': certificate 2, "CN=other.example.com"');
    expect(message).toContain('did not issue certificate 1');
  });

  it('verifies signatures, not only names', () => {
    // A second CA with the same name as the real intermediate, but its own key.
    const impostor = pki.intermediate('Gate Test', root);
    const leaf = issue('www.example.com');
    const message = gateError(passApart(leaf, ['www.example.com'], { chain: impostor.certPem }));
    expect(message).toContain(
      'has the right name but its key does not verify the signature of certificate 1',
    );
  });

  it('refuses a trust anchor whose name matches but whose key did not sign', () => {
    const impostorRoot = pki.root('Gate Test', 'p256');
    const leaf = issue('www.example.com');
    expect(
      gateError(passApart(leaf, ['www.example.com'], { caBundle: impostorRoot.certPem })),
    ).toContain(
      'names a trusted issuer, "CN=Gate Test Root CA", but that CA\'s key does not verify its signature',
    );
  });

  it('refuses a self-signed leaf unless it is itself in ca-bundle', () => {
    const self = pki.leaf('self.example.com', undefined);
    const text = {
      certificate: self.certPem,
      privateKey: self.keyPem,
      domains: ['self.example.com'],
    };
    expect(gateError(text)).toContain('is self-signed, so no browser trusts it');
    expect(gateError({ ...text, caBundle: otherRoot.certPem })).toContain('is self-signed');
    accept({ ...text, caBundle: self.certPem });
  });

  it('refuses a CA certificate as the leaf', () => {
    const caLeaf = issue('www.example.com', { ca: true, sans: ['DNS:www.example.com'] });
    expect(gateError(passApart(caLeaf, ['www.example.com']))).toContain(
      'is a CA certificate (basicConstraints CA:TRUE)',
    );
  });

  it('refuses a leaf whose extended key usage lacks serverAuth', () => {
    const client = issue('www.example.com', { eku: 'clientAuth' });
    expect(gateError(passApart(client, ['www.example.com']))).toContain('lacks serverAuth');
    accept(
      passApart(issue('www.example.com', { eku: 'clientAuth, serverAuth' }), ['www.example.com']),
    );
  });

  it('refuses an intermediate that is not a CA', () => {
    const notCa = pki.leaf('fake intermediate', root, { sans: [] });
    const leaf = pki.leaf('www.example.com', notCa);
    expect(gateError(passApart(leaf, ['www.example.com'], { chain: notCa.certPem }))).toContain(
      'is not a CA certificate',
    );
  });

  it('refuses SHA-1 signatures', () => {
    const sha1 = issue('www.example.com', { digest: 'sha1' });
    expect(gateError(passApart(sha1, ['www.example.com']))).toContain(
      'is signed with ECDSA with SHA-1, which browsers refuse',
    );
    // The root's key is RSA, so what it signs with SHA-1 is "SHA-1 with RSA".
    const rsaSha1 = pki.leaf('www.example.com', root, { digest: 'sha1' });
    const text = {
      certificate: rsaSha1.certPem,
      privateKey: rsaSha1.keyPem,
      caBundle: root.certPem,
      domains: ['www.example.com'],
    };
    expect(gateError(text)).toContain('is signed with SHA-1 with RSA');
  });

  it("trusts public CAs through Node's root store", () => {
    const leaf = issue('www.example.com');
    // The private root is not in Node's store: the error must still name it as untrusted.
    expect(() =>
      validateBundle(
        certificateSettings({
          certificate: leaf.certPem,
          chain: mid.certPem,
          privateKey: leaf.keyPem,
          domains: ['www.example.com'],
        }),
        {
          now: new Date(),
          systemRoots: rootCertificates,
        },
      ),
    ).toThrow(/the issuer "CN=Gate Test Root CA" of certificate 2 is missing/);
  });
});

describe('problems are reported together', () => {
  it('lists every problem of one bundle in one error', () => {
    const leaf = issue('www.example.com', { endDays: 2 });
    const stranger = issue('www.example.com');
    const message = gateError({
      certificate: leaf.certPem,
      privateKey: stranger.keyPem,
      caBundle: root.certPem,
      domains: ['example.com'],
    });
    expect(
      message
        .split('\n')
        .map((line) => line.slice(0, line.indexOf(':')))
        .sort(),
    ).toEqual(["Input 'certificate'", "Input 'chain'", "Input 'domains'", "Input 'private-key'"]);
  });
});
