import * as core from '@actions/core';
import { Output } from '../constants.js';
import type { CertificateFacts } from '../certificate/gate.js';
import type { HostResult } from '../deploy/host.js';
import type { EndpointReport } from '../check/check.js';

/** Sets the outputs that describe the validated leaf. */
export function setCertificateOutputs(facts: CertificateFacts): void {
  core.setOutput(Output.Fingerprint, facts.fingerprint);
  core.setOutput(Output.Serial, facts.serial);
  core.setOutput(Output.NotAfter, facts.notAfter.toISOString());
  core.setOutput(Output.DaysRemaining, String(facts.daysRemaining));
  // Comma-separated, so the value can be fed back into the `domains` input.
  core.setOutput(Output.Domains, facts.sans.join(','));
}

/** Sets the deploy outputs from every host's result; single values come from the first host. */
export function setDeployOutputs(results: readonly HostResult[]): void {
  const first = results[0];
  core.setOutput(Output.Changed, String(results.some((result) => result.changed)));
  core.setOutput(Output.ServedFingerprint, first?.servedFingerprint ?? '');
  core.setOutput(Output.TlsVersion, first?.tlsVersion ?? '');
  core.setOutput(
    Output.Firewall,
    [
      ...new Set(
        results.flatMap((result) => (result.firewall === undefined ? [] : [result.firewall])),
      ),
    ].join(','),
  );
  core.setOutput(Output.BackupDir, first?.backupDir ?? '');
  core.setOutput(Output.LegacyTls, first?.legacyTls ?? '');
  core.setOutput(Output.HttpRedirect, first?.httpRedirect ?? '');
  core.setOutput(Output.RolledBack, String(results.some((result) => result.rolledBack)));
  core.setOutput(Output.Result, JSON.stringify(results));
}

/**
 * Sets the check outputs: needs-renewal, the per-endpoint result, and the
 * certificate outputs of the served certificate that expires first.
 */
export function setCheckOutputs(reports: readonly EndpointReport[]): void {
  core.setOutput(Output.NeedsRenewal, String(reports.some((report) => report.needsRenewal)));
  core.setOutput(Output.Result, JSON.stringify(reports));
  const soonest = [...reports]
    .filter((report) => report.daysRemaining !== undefined)
    .sort((a, b) => (a.daysRemaining ?? 0) - (b.daysRemaining ?? 0))[0];
  if (soonest === undefined) return;
  core.setOutput(Output.Fingerprint, soonest.fingerprint ?? '');
  core.setOutput(Output.Serial, soonest.serial ?? '');
  core.setOutput(Output.NotAfter, soonest.notAfter ?? '');
  core.setOutput(Output.DaysRemaining, String(soonest.daysRemaining));
  core.setOutput(Output.Domains, (soonest.sans ?? []).join(','));
}
