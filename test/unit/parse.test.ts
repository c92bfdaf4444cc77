import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificates, parsePrivateKey } from '../../src/certificate/parse.js';
import { signatureAlgorithmOid } from '../../src/certificate/signature.js';
import { Input } from '../../src/constants.js';
import { inputErrorOf } from '../helpers/errors.ts';
import { Pki, type Issued } from '../helpers/pki.ts';

let pki: Pki;
let leaf: Issued;
beforeAll(() => {
  pki = new Pki();
  leaf = pki.leaf('www.example.com', pki.root('Parse'));
});
afterAll(() => {
  pki.dispose();
});

const certificate = (text: string) => ({ input: Input.Certificate, text });
const key = (text: string) => ({ input: Input.PrivateKey, text });

const message = inputErrorOf;

describe('certificate inputs', () => {
  it('reads every block, not only the first', () => {
    const two = parseCertificates(
      certificate(`Bag Attributes\n${leaf.certPem}junk between\n${leaf.certPem}`),
    );
    expect(two).toHaveLength(2);
  });

  it.each([
    ['garbage', 'hello world', "Input 'certificate': holds no PEM block"],
    [
      'a damaged block',
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
      'is not a valid X.509 certificate',
    ],
    ['a block cut short', '-----BEGIN CERTIFICATE-----\nMIIB\n', 'has no matching END line'],
    [
      'a CSR',
      '-----BEGIN CERTIFICATE REQUEST-----\nA\n-----END CERTIFICATE REQUEST-----\n',
      'certificate signing request',
    ],
  ])('refuses %s', (_, text, expected) => {
    expect(message(() => parseCertificates(certificate(text)))).toContain(expected);
  });

  it('refuses a private key where a certificate belongs, without quoting it', () => {
    const text = message(() => parseCertificates(certificate(leaf.certPem + leaf.keyPem)));
    expect(text).toContain(
      "PEM block 2 is a private key, which does not belong here. Pass the key in 'private-key' only",
    );
    expect(text).not.toContain(leaf.keyPem.split('\n')[1]);
  });

  it('names the file a damaged input came from', () => {
    expect(
      message(() =>
        parseCertificates({ input: Input.Certificate, text: 'x', path: 'certs/site.pem' }),
      ),
    ).toBe(
      `Input 'certificate': the file "certs/site.pem" holds no PEM block (no '-----BEGIN …-----' line). Pass PEM text, BEGIN and END lines included.`,
    );
  });
});

describe('private-key input', () => {
  it('refuses a certificate where the key belongs', () => {
    expect(message(() => parsePrivateKey(key(leaf.certPem), undefined))).toContain(
      'is a certificate, not a private key',
    );
  });

  it('refuses an SSH key, two keys, and a damaged key, quoting none of them', () => {
    const ssh =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
    expect(message(() => parsePrivateKey(key(ssh), undefined))).toContain(
      "SSH keys go in 'ssh-key'",
    );
    expect(message(() => parsePrivateKey(key(leaf.keyPem + leaf.keyPem), undefined))).toContain(
      'holds 2 private keys',
    );
    const damaged = '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXN0dWZm\n-----END PRIVATE KEY-----\n';
    const text = message(() => parsePrivateKey(key(damaged), undefined));
    expect(text).toContain('is not a valid private key');
    expect(text).not.toContain('c2VjcmV0LXN0dWZm');
  });

  it('skips the EC PARAMETERS block that openssl ecparam writes', () => {
    const params = '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n';
    expect(parsePrivateKey(key(params + leaf.keyPem), undefined).key.asymmetricKeyType).toBe('ec');
  });
});

describe('signature algorithm', () => {
  it('reads the OID from the DER', () => {
    expect(signatureAlgorithmOid(new X509Certificate(leaf.certPem).raw)).toBe(
      '1.2.840.10045.4.3.2',
    );
  });
});
