import { rootCertificates } from 'node:tls';
import { subjectAltNames } from '../certificate/coverage.js';
import { oneLineName } from '../certificate/describe.js';
import { daysRemaining, validityPeriod } from '../certificate/validity.js';
import { parseCertificates } from '../certificate/parse.js';
import { mapWithLimit } from '../concurrency.js';
import type { CheckSettings } from '../inputs/settings.js';
import { deadlineIn, poll } from '../probe/probe.js';

/** What one server serves for one domain, and whether that is good enough. */
export interface EndpointReport {
  /** The SSH host it stands for; undefined when reached through the domain's DNS. */
  readonly host?: string;
  /** Where the probe connected. */
  readonly address: string;
  readonly domain: string;
  readonly fingerprint?: string;
  readonly serial?: string;
  readonly issuer?: string;
  readonly notAfter?: string;
  readonly daysRemaining?: number;
  readonly sans?: readonly string[];
  readonly chainVerified: boolean;
  /** Served, but expiring, untrusted or for another name: a deploy would fix it. */
  readonly needsRenewal: boolean;
  readonly error?: string;
}

/**
 * `mode: check`: looks at what each server serves for each domain and changes
 * nothing. A server is each `host`, or, with none, the domain itself.
 */
export async function checkEndpoints(
  settings: CheckSettings,
  now: Date,
): Promise<EndpointReport[]> {
  const ca = [
    ...rootCertificates,
    ...(settings.caBundle
      ? parseCertificates(settings.caBundle).map((cert) => cert.toString())
      : []),
  ];
  const hosts: (string | undefined)[] =
    settings.targets.length > 0 ? settings.targets.map((target) => target.host) : [undefined];
  const endpoints = hosts.flatMap((host) =>
    settings.domains.map((domain) => ({ host, domain: domain.name })),
  );
  return mapWithLimit(endpoints, settings.maxParallel, ({ host, domain }) =>
    checkEndpoint(settings, ca, now, host, domain),
  );
}

async function checkEndpoint(
  settings: CheckSettings,
  ca: readonly string[],
  now: Date,
  host: string | undefined,
  domain: string,
): Promise<EndpointReport> {
  const address = settings.probeAddress ?? host ?? domain;
  const where = `https://${address}:${settings.httpsPort} (SNI ${domain})`;
  const base = { ...(host === undefined ? {} : { host }), address, domain };
  const result = await poll(
    { address, port: settings.httpsPort, ca },
    domain,
    deadlineIn(settings.timeoutSeconds),
    () => true,
  );
  if (!result.seen) {
    return {
      ...base,
      chainVerified: false,
      needsRenewal: false,
      error: `${where} could not be reached within ${settings.timeoutSeconds} s (probe-timeout): ${result.lastError}.`,
    };
  }
  const { leaf, chainError, nameError } = result.seen;
  const days = daysRemaining(leaf, now);
  const problems = [
    ...(chainError === undefined
      ? []
      : [
          `its chain does not verify (${chainError}); serve the full chain, leaf then intermediates`,
        ]),
    ...(nameError === undefined ? [] : [`the certificate does not cover ${domain}`]),
    ...(days < settings.minDaysRemaining
      ? [
          `it expires in ${days} day${days === 1 ? '' : 's'}, fewer than min-days-remaining (${settings.minDaysRemaining}); renew it`,
        ]
      : []),
  ];
  return {
    ...base,
    fingerprint: leaf.fingerprint256,
    serial: leaf.serialNumber,
    issuer: oneLineName(leaf.issuer),
    notAfter: validityPeriod(leaf).notAfter.toISOString(),
    daysRemaining: days,
    sans: subjectAltNames(leaf).map((san) => san.name),
    chainVerified: chainError === undefined,
    needsRenewal: problems.length > 0,
    ...(problems.length === 0 ? {} : { error: `${where}: ${problems.join('; ')}.` }),
  };
}
