/**
 * The probe a deploy starts while its install runs: it polls ahead of its
 * clock, counts probe-timeout only from startClock(), and stops when told.
 * A local HTTPS server stands in for the app; swapping its certificate is the
 * restart. Nothing here asserts a time: speed is measured by the benchmark.
 */
import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeError, startProbe, type ProbePlan } from '../../src/probe/probe.js';
import { Pki, type Issued } from '../helpers/pki.js';

const pki = new Pki();
const root = pki.root('Probe test');
const oldPair = pki.leaf('localhost', root, { sans: ['DNS:localhost'] });
const newPair = pki.leaf('localhost', root, { sans: ['DNS:localhost'] });
let server: Server;

function serve(pair: Issued): void {
  server.setSecureContext({ cert: pair.certPem, key: pair.keyPem });
}

function plan(timeoutSeconds: number): ProbePlan {
  return {
    address: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    domains: ['localhost'],
    expectedFingerprint: new X509Certificate(newPair.certPem).fingerprint256,
    ca: [root.certPem],
    timeoutSeconds,
  };
}

/** Whether the promise has settled by now. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  const first = await Promise.race([
    promise.then(
      () => 1,
      () => 1,
    ),
    Promise.resolve(pending),
  ]);
  return first !== pending;
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function probeErrorOf(promise: Promise<unknown>): Promise<ProbeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProbeError) return error;
    throw error;
  }
  throw new Error('expected the probe to fail');
}

beforeAll(async () => {
  server = createServer({ cert: oldPair.certPem, key: oldPair.keyPem }, (_request, response) => {
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  pki.dispose();
});

describe('a probe started while the install runs', () => {
  it('keeps polling past probe-timeout until its clock starts, then sees the new certificate', async () => {
    serve(oldPair);
    const running = startProbe(plan(1));
    // Longer than probe-timeout: a slow install must not use up the probe's time.
    await wait(1500);
    expect(await settled(running.result)).toBe(false);
    const restartedAt = Date.now();
    serve(newPair);
    running.startClock();
    const success = await running.result;
    expect(success.servedFingerprint).toBe(plan(1).expectedFingerprint);
    expect(success.tlsVersion).toMatch(/^TLSv1\.[23]$/);
    expect(success.firstSeenAt).toBeGreaterThanOrEqual(restartedAt);
  });

  it('fails with the old certificate once probe-timeout has run from its clock', async () => {
    serve(oldPair);
    const running = startProbe(plan(1));
    running.startClock();
    const error = await probeErrorOf(running.result);
    expect(error.kind).toBe('old-certificate');
    expect(error.message).toContain('after 1 s (probe-timeout)');
  });

  it('stops when told to, as after a failed install', async () => {
    serve(oldPair);
    const running = startProbe(plan(30));
    await wait(100);
    running.stop();
    expect((await probeErrorOf(running.result)).kind).toBe('cancelled');
  });
});
