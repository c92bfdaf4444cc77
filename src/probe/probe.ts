import { setTimeout as sleep } from 'node:timers/promises';
import { observe, type Observation } from './observe.js';

/** Where and what to probe after a deploy. */
export interface ProbePlan extends Endpoint {
  readonly domains: readonly string[];
  /** The fingerprint the server must serve. */
  readonly expectedFingerprint: string;
  readonly timeoutSeconds: number;
}

/** What the probe proved: every domain serves the new certificate. */
export interface ProbeSuccess {
  readonly servedFingerprint: string;
  readonly tlsVersion: string;
  /** When a request first saw the new certificate (epoch ms). */
  readonly firstSeenAt: number;
}

/** Why the probe failed: never reached the server, or reached it and saw something wrong. */
export class ProbeError extends Error {
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'old-certificate' | 'wrong-certificate' | 'cancelled',
    readonly domain: string,
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

/** Each attempt may take this long at most. */
const ATTEMPT_TIMEOUT_MS = 5000;
/**
 * Poll every 25 ms for the first 5 s (a restart is usually done by then, and
 * the new certificate is seen within one poll of being served), then back off
 * to 0.5 s, so a slow service is not flooded.
 */
const FIRST_DELAY_MS = 25;
const TIGHT_FOR_MS = 5000;
const MAX_DELAY_MS = 500;
const MODERN_TLS = new Set(['TLSv1.2', 'TLSv1.3']);

/**
 * Probes each domain until the server serves the expected certificate with
 * a trusted chain, a matching name and TLS 1.2 or newer; all within one
 * deadline (see startProbe).
 */
async function probeUntilServed(plan: ProbePlan, deadline: Deadline): Promise<ProbeSuccess> {
  let tlsVersion = '';
  let firstSeenAt: number | undefined;
  for (const domain of plan.domains) {
    tlsVersion = (await probeDomain(plan, domain, deadline)).tlsVersion;
    firstSeenAt ??= Date.now();
  }
  return {
    servedFingerprint: plan.expectedFingerprint,
    tlsVersion,
    firstSeenAt: firstSeenAt ?? Date.now(),
  };
}

/** When polling gives up (epoch ms); asked before each wait, so it may move. */
export type Deadline = () => number;

export function deadlineIn(seconds: number): Deadline {
  const at = Date.now() + seconds * 1000;
  return () => at;
}

/** A probe that polls from the moment it is started, ahead of its own clock. */
export interface RunningProbe {
  readonly result: Promise<ProbeSuccess>;
  /** Starts the probe-timeout clock: until then the probe polls without a deadline. */
  startClock(): void;
  /** Stops polling: the result is no longer wanted. */
  stop(): void;
}

/**
 * Starts probing now, with probe-timeout counted only from startClock(). A
 * deploy starts it as the install begins, so that the new certificate is
 * seen within one poll of the app serving it, while the restart is still
 * being confirmed, rather than one round trip after the install returns.
 */
export function startProbe(plan: ProbePlan): RunningProbe {
  const stopper = new AbortController();
  let at = Number.POSITIVE_INFINITY;
  const signal =
    plan.signal === undefined ? stopper.signal : AbortSignal.any([plan.signal, stopper.signal]);
  const result = probeUntilServed({ ...plan, signal }, () => at);
  // Awaited once the install is done, or abandoned when it fails: never unhandled.
  result.catch(() => undefined);
  return {
    result,
    startClock: () => {
      at = Date.now() + plan.timeoutSeconds * 1000;
    },
    stop: () => {
      stopper.abort();
    },
  };
}

/** Where to poll: one server, its port, the trust anchors. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
  readonly ca: readonly string[];
  /** Stops the polling when the run is cancelled. */
  readonly signal?: AbortSignal;
}

/** How polling ended: the observation that satisfied `done`, or the last one and the last error. */
export interface PollResult {
  readonly done: boolean;
  readonly seen?: Observation;
  readonly lastError: string;
}

/**
 * Observes the endpoint for one domain until `done` accepts an observation
 * or the deadline passes: tightly at first, backing off while the service is slow.
 */
export async function poll(
  endpoint: Endpoint,
  domain: string,
  deadline: Deadline,
  done: (seen: Observation) => boolean,
): Promise<PollResult> {
  const started = Date.now();
  let delay = FIRST_DELAY_MS;
  let lastError = 'no attempt was made';
  let lastSeen: Observation | undefined;
  while (endpoint.signal?.aborted !== true) {
    const remaining = deadline() - Date.now();
    try {
      const seen = await observe({
        address: endpoint.address,
        port: endpoint.port,
        ca: endpoint.ca,
        domain,
        timeoutMs: Math.max(100, Math.min(ATTEMPT_TIMEOUT_MS, remaining)),
      });
      if (done(seen)) return { done: true, seen, lastError };
      lastSeen = seen;
    } catch (error) {
      lastError = error instanceof Error ? describeNetworkError(error) : String(error);
    }
    if (Date.now() + delay >= deadline()) break;
    await sleep(
      delay,
      undefined,
      endpoint.signal === undefined ? {} : { signal: endpoint.signal },
    ).catch(() => undefined);
    if (Date.now() - started >= TIGHT_FOR_MS)
      delay = Math.min(MAX_DELAY_MS, Math.ceil(delay * 1.5));
  }
  return { done: false, ...(lastSeen === undefined ? {} : { seen: lastSeen }), lastError };
}

async function probeDomain(
  plan: ProbePlan,
  domain: string,
  deadline: Deadline,
): Promise<Observation> {
  const result = await poll(
    plan,
    domain,
    deadline,
    (seen) => seen.fingerprint === plan.expectedFingerprint,
  );
  if (result.done && result.seen) return acceptOrFail(result.seen, domain, plan);
  if (plan.signal?.aborted === true)
    throw new ProbeError('the run was cancelled during the probe.', 'cancelled', domain);
  const where = `https://${plan.address}:${plan.port} (SNI ${domain})`;
  if (result.seen !== undefined) {
    throw new ProbeError(
      `${where} still served ${result.seen.fingerprint}, not the new certificate ${plan.expectedFingerprint}, after ${plan.timeoutSeconds} s (probe-timeout). The app did not load the new files: check that it reads them from remote-dir and that the restart really restarts it.`,
      'old-certificate',
      domain,
    );
  }
  throw new ProbeError(
    `${where} could not be reached within ${plan.timeoutSeconds} s (probe-timeout): ${result.lastError}.`,
    'unreachable',
    domain,
  );
}

function acceptOrFail(seen: Observation, domain: string, plan: ProbePlan): Observation {
  const where = `https://${plan.address}:${plan.port} (SNI ${domain})`;
  if (seen.chainError !== undefined) {
    throw new ProbeError(
      `${where} serves the new certificate, but its chain does not verify (${seen.chainError}). The app must serve the full chain file: the certificate followed by its intermediates.`,
      'wrong-certificate',
      domain,
    );
  }
  if (seen.nameError !== undefined) {
    throw new ProbeError(
      `${where} serves the new certificate, but it does not match the name: ${seen.nameError}`,
      'wrong-certificate',
      domain,
    );
  }
  if (!MODERN_TLS.has(seen.tlsVersion)) {
    throw new ProbeError(
      `${where} negotiated ${seen.tlsVersion}; TLS 1.2 or newer is required. Update the server's TLS settings.`,
      'wrong-certificate',
      domain,
    );
  }
  return seen;
}

function describeNetworkError(error: Error): string {
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: unknown }).cause;
  const causeCode = cause instanceof Error ? (cause as { code?: unknown }).code : undefined;
  const shown = [code, causeCode].find((value) => typeof value === 'string');
  return typeof shown === 'string' ? `${error.message} (${shown})` : error.message;
}
