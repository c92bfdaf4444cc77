import * as core from '@actions/core';
import { rootCertificates } from 'node:tls';
import { Mode } from './constants.js';
import { validateBundle, type ValidatedBundle } from './certificate/gate.js';
import { checkEndpoints, type EndpointReport } from './check/check.js';
import { mapWithLimit } from './concurrency.js';
import { deployHost } from './deploy/host.js';
import { describeError } from './errors.js';
import { getSettings } from './inputs/input-helper.js';
import type { CertificateSettings, CheckSettings, DeploySettings } from './inputs/settings.js';
import { setCertificateOutputs, setCheckOutputs, setDeployOutputs } from './report/outputs.js';
import {
  writeCertificateSummary,
  writeCheckSummary,
  writeDeploySummary,
} from './report/summary.js';

/**
 * The action: settings → (validated certificate →) the mode's work → report.
 * This is the one place that fails the step, whatever was thrown.
 */
export async function run(): Promise<void> {
  try {
    const settings = await getSettings();
    switch (settings.mode) {
      case Mode.Check:
        await check(settings.check);
        break;
      case Mode.Validate:
        await writeCertificateSummary(
          'Certificate validated',
          (await validate(settings.certificate)).facts,
        );
        break;
      case Mode.Deploy:
        await deploy(settings.deploy, await validate(settings.certificate), settings.certificate);
        break;
    }
  } catch (error) {
    core.setFailed(describeError(error));
  }
}

/** The certificate gate, with the outputs that describe the leaf. */
async function validate(settings: CertificateSettings): Promise<ValidatedBundle> {
  const bundle = await core.group('Validating the certificate and key', () => {
    const validated = validateBundle(settings, { now: new Date(), systemRoots: rootCertificates });
    // The decrypted key is a secret derived from one: mask it as well.
    core.setSecret(validated.keyPem);
    core.info(
      `Certificate ${validated.facts.fingerprint} passed every check; ${validated.facts.daysRemaining} days remaining.`,
    );
    return Promise.resolve(validated);
  });
  setCertificateOutputs(bundle.facts);
  return bundle;
}

/** Deploys to every host, at most max-parallel at once; reports; throws when any host failed. */
async function deploy(
  settings: DeploySettings,
  bundle: ValidatedBundle,
  certificate: CertificateSettings,
): Promise<void> {
  if (settings.ssh.hostKey.kind === 'insecure') {
    core.warning(
      'insecure-ignore-host-key is true: the server is not authenticated, so anyone on the network path could receive the private key. Set host-fingerprint instead.',
    );
  }
  const job = {
    settings,
    bundle,
    domains: certificate.domains.map((domain) => domain.name),
    cancelled: cancelOnSignal(),
  };
  const results = await mapWithLimit(settings.ssh.targets, settings.maxParallel, (target) =>
    deployHost(target, job),
  );
  setDeployOutputs(results);
  await writeDeploySummary(bundle.facts, results, settings.dryRun);
  const errors = results.flatMap((result) => (result.error === undefined ? [] : [result.error]));
  if (errors.length > 0) {
    throw new Error(`${errors.length} of ${results.length} host(s) failed:\n${errors.join('\n')}`);
  }
}

/** Looks at what the servers serve; fails when a certificate needs renewal or cannot be reached. */
async function check(settings: CheckSettings): Promise<void> {
  const reports = await checkEndpoints(settings, new Date());
  for (const report of reports) {
    if (report.error === undefined) {
      core.info(
        `${report.address} (${report.domain}): ${report.fingerprint ?? ''}, ${report.daysRemaining ?? '?'} days left, chain verified.`,
      );
    }
  }
  warnOfMixedCertificates(reports);
  setCheckOutputs(reports);
  await writeCheckSummary(reports);
  const errors = reports.flatMap((report) => (report.error === undefined ? [] : [report.error]));
  if (errors.length > 0) throw new Error(errors.join('\n'));
}

/**
 * A domain whose servers serve different certificates usually has a DNS name
 * pointing at a server that did not get the new one: say which serves what.
 */
function warnOfMixedCertificates(reports: readonly EndpointReport[]): void {
  for (const domain of new Set(reports.map((report) => report.domain))) {
    const group = reports.filter((report) => report.domain === domain);
    const served = new Set(
      group.flatMap((report) => (report.fingerprint === undefined ? [] : [report.fingerprint])),
    );
    if (served.size > 1) {
      const list = group
        .map((report) => `${report.address} serves ${report.fingerprint ?? 'nothing'}`)
        .join('; ');
      core.warning(
        `servers serve different certificates for ${domain}: ${list}. Deploy to every server the name points at.`,
      );
    }
  }
}

/**
 * The runner cancels a step with SIGINT, then SIGTERM, then SIGKILL a few
 * seconds later. On the first, hosts that have not changed stop, and hosts
 * whose pair was replaced put the old one back before the step ends.
 */
function cancelOnSignal(): AbortSignal {
  const controller = new AbortController();
  const cancel = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) return;
    core.warning(
      `Received ${signal}: cancelling; servers whose pair was already replaced get the previous one back.`,
    );
    controller.abort();
  };
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);
  return controller.signal;
}
