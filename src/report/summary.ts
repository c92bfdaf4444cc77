import * as core from '@actions/core';
import type { CertificateFacts } from '../certificate/gate.js';
import { oneLineName } from '../certificate/describe.js';

/** Writes the job summary for a validated certificate, where the runner provides one. */
export async function writeCertificateSummary(
  title: string,
  facts: CertificateFacts,
): Promise<void> {
  // core.summary.write() throws when the runner gives no summary file (local runs, other CIs).
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary
    .addHeading(title, 3)
    .addTable([
      [
        { data: 'Field', header: true },
        { data: 'Value', header: true },
      ],
      ['Subject', escape(oneLineName(facts.subject))],
      ['Issuer', escape(oneLineName(facts.issuer))],
      ['SHA-256 fingerprint', `<code>${facts.fingerprint}</code>`],
      ['Serial', `<code>${facts.serial}</code>`],
      ['Not after', facts.notAfter.toISOString()],
      ['Days remaining', String(facts.daysRemaining)],
      ['Names covered', escape(facts.sans.join(', '))],
    ])
    .write();
}

/** Certificate fields are attacker-influenced text: keep them from becoming HTML. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
