import * as core from '@actions/core';
import { Output } from '../constants.js';
import type { CertificateFacts } from '../certificate/gate.js';

/** Sets the outputs that describe the validated leaf. */
export function setCertificateOutputs(facts: CertificateFacts): void {
  core.setOutput(Output.Fingerprint, facts.fingerprint);
  core.setOutput(Output.Serial, facts.serial);
  core.setOutput(Output.NotAfter, facts.notAfter.toISOString());
  core.setOutput(Output.DaysRemaining, String(facts.daysRemaining));
  // Comma-separated, so the value can be fed back into the `domains` input.
  core.setOutput(Output.Domains, facts.sans.join(','));
}
