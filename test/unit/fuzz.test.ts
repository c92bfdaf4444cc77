/**
 * Fuzzing the input parsers with random and mutated PEM, PKCS#12 and domain
 * inputs, from a fixed seed so a failure can be replayed. Whatever comes in,
 * the parsers either accept it or throw an InputError: never another
 * exception, and never a hang (the test's timeout bounds the whole run).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateBundle } from '../../src/certificate/gate.js';
import { parseCertificates, parsePrivateKey } from '../../src/certificate/parse.js';
import { readPkcs12 } from '../../src/certificate/pkcs12.js';
import { Input } from '../../src/constants.js';
import { InputError } from '../../src/errors.js';
import { domainSyntaxError, toDomain } from '../../src/inputs/domains.js';
import { Pki, type Issued } from '../helpers/pki.ts';
import { certificateSettings } from '../helpers/settings.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 400);

/** mulberry32: a small, repeatable PRNG. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One of several mutations of a text: flip, delete, duplicate, truncate, insert noise. */
function mutate(text: string, next: () => number): string {
  const at = Math.floor(next() * text.length);
  const noise = String.fromCharCode(
    ...Array.from({ length: 1 + Math.floor(next() * 8) }, () => Math.floor(next() * 256)),
  );
  switch (Math.floor(next() * 6)) {
    case 0:
      return (
        text.slice(0, at) +
        String.fromCharCode(text.charCodeAt(at) ^ (1 << Math.floor(next() * 7))) +
        text.slice(at + 1)
      );
    case 1:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 40));
    case 2:
      return text.slice(0, at) + text.slice(at, at + 200) + text.slice(at);
    case 3:
      return text.slice(0, at);
    case 4:
      return text.slice(0, at) + noise + text.slice(at);
    default:
      return noise.repeat(1 + Math.floor(next() * 50));
  }
}

/** Runs a parser; passes when it returns or throws an InputError, fails on anything else. */
function survives(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    expectInputError(error);
  }
}

/** survives() for a parser that waits. */
async function survivesAsync(parse: () => Promise<unknown>): Promise<void> {
  await parse().catch(expectInputError);
}

function expectInputError(error: unknown): void {
  if (!(error instanceof InputError)) throw error;
  expect(error.message).toMatch(/^Input '[a-z-]+': /);
}

let pki: Pki;
let leaf: Issued;
let root: Issued;
let pfxDer: Buffer;

beforeAll(() => {
  pki = new Pki();
  root = pki.root('Fuzz');
  leaf = pki.leaf('www.example.com', root, { key: 'p256' });
  execFileSync('openssl', [
    'pkcs12',
    '-export',
    '-inkey',
    leaf.keyPath,
    '-in',
    leaf.certPath,
    '-passout',
    'pass:pw',
    '-out',
    join(pki.dir, 'f.pfx'),
  ]);
  pfxDer = readFileSync(join(pki.dir, 'f.pfx'));
});
afterAll(() => {
  pki.dispose();
});

describe(`fuzzing the parsers (seed ${SEED}, ${ROUNDS} rounds)`, () => {
  it('PEM certificates and keys', () => {
    const next = random(SEED);
    for (let round = 0; round < ROUNDS; round++) {
      const certificate = mutate(leaf.certPem, next);
      const key = mutate(leaf.keyPem, next);
      survives(() => parseCertificates({ input: Input.Certificate, text: certificate }));
      survives(() =>
        parsePrivateKey({ input: Input.PrivateKey, text: key }, next() < 0.5 ? undefined : 'pw'),
      );
      survives(() =>
        validateBundle(
          certificateSettings({
            certificate,
            privateKey: key,
            caBundle: mutate(root.certPem, next),
            domains: ['www.example.com'],
          }),
          {
            now: new Date(),
            systemRoots: [],
          },
        ),
      );
    }
  });

  it('PKCS#12 bundles', async () => {
    const next = random(SEED + 1);
    const binary = pfxDer.toString('latin1');
    for (let round = 0; round < ROUNDS; round++) {
      const mutated = Buffer.from(mutate(binary, next), 'latin1').toString('base64');
      await survivesAsync(() => readPkcs12(mutated, 'pw'));
      await survivesAsync(() => readPkcs12(mutate(pfxDer.toString('base64'), next), 'pw'));
    }
  });

  it('domain names', () => {
    const next = random(SEED + 2);
    const seeds = [
      'www.example.com',
      '127.0.0.1',
      '::1',
      '[2001:db8::1]',
      'xn--bcher-kva.example',
      '*.example.com',
    ];
    for (let round = 0; round < ROUNDS * 5; round++) {
      const text = mutate(seeds[Math.floor(next() * seeds.length)] ?? '', next);
      const error = domainSyntaxError(text);
      if (error === undefined) expect(toDomain(text).name.length).toBeGreaterThan(0);
      else expect(typeof error).toBe('string');
    }
  });
});
