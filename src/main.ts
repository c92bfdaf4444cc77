import * as core from '@actions/core';
import { rootCertificates } from 'node:tls';
import { Mode } from './constants.js';
import { validateBundle } from './certificate/gate.js';
import { describeError } from './errors.js';
import { getSettings } from './inputs/input-helper.js';
import { setCertificateOutputs } from './report/outputs.js';
import { writeCertificateSummary } from './report/summary.js';

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
    if (settings.mode !== Mode.Validate) {
      throw new Error(
        `mode '${settings.mode}' is not available in this version of flask-ssl-deploy; only 'validate' is. Set 'mode: validate'.`,
      );
    }
    await writeCertificateSummary('Certificate validated', bundle.facts);
  } catch (error) {
    core.setFailed(describeError(error));
  }
}
