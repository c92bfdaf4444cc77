import * as core from '@actions/core';
import { rootCertificates } from 'node:tls';
import { Mode } from './constants.js';
import { validateBundle, type ValidatedBundle } from './certificate/gate.js';
import { deployHost, type HostResult } from './deploy/host.js';
import type { Domain } from './inputs/domains.js';
import type { DeploySettings } from './inputs/settings.js';
import { describeError } from './errors.js';
import { getSettings } from './inputs/input-helper.js';
import { setCertificateOutputs, setDeployOutputs } from './report/outputs.js';
import { writeCertificateSummary, writeDeploySummary } from './report/summary.js';

/**
 * The action: settings → validated certificate → (per mode) the rest. This is
 * the one place that fails the step, whatever was thrown.
 */
export async function run(): Promise<void> {
  try {
    const settings = getSettings();
    const bundle = await core.group('Validating the certificate and key', () => {
      const validated = validateBundle(settings.certificate, {
        now: new Date(),
        systemRoots: rootCertificates,
      });
      // The decrypted key is a secret derived from one: mask it as well.
      core.setSecret(validated.keyPem);
      core.info(
        `Certificate ${validated.facts.fingerprint} passed every check; ${validated.facts.daysRemaining} days remaining.`,
      );
      return Promise.resolve(validated);
    });
    setCertificateOutputs(bundle.facts);
    if (settings.mode === Mode.Validate) {
      await writeCertificateSummary('Certificate validated', bundle.facts);
      return;
    }
    if (settings.deploy === undefined) {
      throw new Error(
        `mode '${settings.mode}' is not available in this version of flask-ssl-deploy; use 'deploy' or 'validate'.`,
      );
    }
    await deploy(settings.deploy, bundle, settings.certificate.domains);
  } catch (error) {
    core.setFailed(describeError(error));
  }
}

/** Deploys to every host, reports, and throws when any host failed. */
async function deploy(
  settings: DeploySettings,
  bundle: ValidatedBundle,
  domains: readonly Domain[],
): Promise<void> {
  if (settings.ssh.hostKey.kind === 'insecure') {
    core.warning(
      'insecure-ignore-host-key is true: the server is not authenticated, so anyone on the network path could receive the private key. Set host-fingerprint instead.',
    );
  }
  const job = { settings, bundle, domains: domains.map((domain) => domain.name) };
  const results: HostResult[] = [];
  for (const target of settings.ssh.targets) results.push(await deployHost(target, job));
  setDeployOutputs(results);
  await writeDeploySummary(bundle.facts, results);
  const errors = results.flatMap((result) => (result.error === undefined ? [] : [result.error]));
  if (errors.length > 0) throw new Error(errors.join('\n'));
}
