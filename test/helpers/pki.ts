/**
 * Makes certificates and keys with the real openssl command, at test time,
 * in a temporary folder: CAs, intermediates and leaves of every kind the
 * gate must accept or refuse. Used by the tests, the demo and the benchmark.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type KeyKind = 'rsa2048' | 'rsa1024' | 'p256' | 'p384' | 'ed25519';

/** A certificate and its key, as files and as PEM text. */
export interface Issued {
  readonly certPath: string;
  readonly keyPath: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export interface LeafOptions {
  /** subjectAltName entries, e.g. ['DNS:www.example.com', 'IP:127.0.0.1']; empty for none. */
  readonly sans?: readonly string[];
  readonly key?: KeyKind;
  /** Offsets from now, in days. Defaults: -1 and +90. */
  readonly startDays?: number;
  readonly endDays?: number;
  readonly digest?: 'sha256' | 'sha1';
  /** Makes it a CA (basicConstraints CA:TRUE). */
  readonly ca?: boolean;
  /** extendedKeyUsage value; defaults to serverAuth for a leaf, none for a CA. */
  readonly eku?: string;
  readonly commonName?: string;
}

const DAY_MS = 86_400_000;

/** A folder of test PKI material, removed by `dispose()`. */
export class Pki {
  readonly dir: string;
  private count = 0;

  constructor(dir?: string) {
    this.dir = dir ?? mkdtempSync(join(tmpdir(), 'fsd-pki-'));
    mkdirSync(this.dir, { recursive: true });
  }

  /** A self-signed root CA. */
  root(name: string, key: KeyKind = 'p256'): Issued {
    return this.issue(name, undefined, {
      ca: true,
      key,
      commonName: `${name} Root CA`,
      endDays: 3650,
    });
  }

  /** An intermediate CA issued by `issuer`. */
  intermediate(name: string, issuer: Issued, options: LeafOptions = {}): Issued {
    return this.issue(name, issuer, {
      ca: true,
      commonName: `${name} Intermediate CA`,
      endDays: 1825,
      ...options,
    });
  }

  /** A server certificate issued by `issuer`, or self-signed when `issuer` is undefined. */
  leaf(name: string, issuer: Issued | undefined, options: LeafOptions = {}): Issued {
    return this.issue(name, issuer, { commonName: name, ...options });
  }

  /** A new private key file of the given kind. */
  key(name: string, kind: KeyKind): string {
    const path = join(this.dir, `${name}.key`);
    const args: Record<KeyKind, string[]> = {
      rsa2048: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
      rsa1024: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'],
      p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
      p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
      ed25519: ['-algorithm', 'ED25519'],
    };
    openssl(['genpkey', ...args[kind], '-out', path]);
    return path;
  }

  /** The key re-written: encrypted PKCS#8, or a traditional (PKCS#1/SEC1) form, optionally encrypted. */
  convertKey(
    keyPath: string,
    form: 'pkcs8-encrypted' | 'traditional' | 'traditional-encrypted',
    passphrase = '',
  ): string {
    const out = join(this.dir, `converted-${++this.count}.key`);
    const cipher = form === 'traditional' ? [] : ['-aes256', '-passout', `pass:${passphrase}`];
    const traditional = form === 'pkcs8-encrypted' ? [] : ['-traditional'];
    openssl(['pkey', '-in', keyPath, ...traditional, ...cipher, '-out', out]);
    return readFileSync(out, 'utf8');
  }

  /** Removes the folder. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private issue(name: string, issuer: Issued | undefined, options: LeafOptions): Issued {
    const id = `${name}-${++this.count}`;
    const work = join(this.dir, id);
    mkdirSync(work);
    const keyPath = this.key(id, options.key ?? 'p256');
    const csr = join(work, 'req.csr');
    openssl([
      'req',
      '-new',
      '-key',
      keyPath,
      '-subj',
      `/CN=${options.commonName ?? name}`,
      '-out',
      csr,
    ]);
    writeFileSync(join(work, 'index.txt'), '');
    writeFileSync(join(work, 'ca.cnf'), caConfig(work));
    writeFileSync(join(work, 'ext.cnf'), extensions(options));
    const certPath = join(this.dir, `${id}.pem`);
    const signer =
      issuer === undefined
        ? ['-selfsign', '-keyfile', keyPath]
        : ['-cert', issuer.certPath, '-keyfile', issuer.keyPath];
    const now = Date.now();
    openssl([
      'ca',
      '-batch',
      '-notext',
      '-rand_serial',
      '-config',
      join(work, 'ca.cnf'),
      ...signer,
      '-in',
      csr,
      '-out',
      certPath,
      '-md',
      options.digest ?? 'sha256',
      '-startdate',
      asn1Time(now + (options.startDays ?? -1) * DAY_MS),
      '-enddate',
      asn1Time(now + (options.endDays ?? 90) * DAY_MS),
      '-extfile',
      join(work, 'ext.cnf'),
      '-extensions',
      'ext',
    ]);
    return {
      certPath,
      keyPath,
      certPem: readFileSync(certPath, 'utf8'),
      keyPem: readFileSync(keyPath, 'utf8'),
    };
  }
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args.slice(0, 2).join(' ')} failed: ${stderr}`);
  }
}

function caConfig(work: string): string {
  return [
    '[ca]',
    'default_ca = local',
    '[local]',
    `dir = ${work}`,
    `database = ${work}/index.txt`,
    `serial = ${work}/serial`,
    `new_certs_dir = ${work}`,
    'policy = anything',
    'unique_subject = no',
    'email_in_dn = no',
    'copy_extensions = none',
    '[anything]',
    'commonName = supplied',
    '',
  ].join('\n');
}

function extensions(options: LeafOptions): string {
  const lines = ['[ext]', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid'];
  if (options.ca) {
    lines.push('basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign');
  } else {
    lines.push(
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature, keyEncipherment',
    );
  }
  const eku = options.eku ?? (options.ca ? undefined : 'serverAuth');
  if (eku !== undefined) lines.push(`extendedKeyUsage = ${eku}`);
  const sans = options.sans ?? (options.ca ? [] : [`DNS:${options.commonName ?? 'localhost'}`]);
  if (sans.length > 0) lines.push(`subjectAltName = ${sans.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** openssl ca's date form: YYYYMMDDHHMMSSZ. */
function asn1Time(ms: number): string {
  return `${new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}
