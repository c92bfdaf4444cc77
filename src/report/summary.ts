import * as core from '@actions/core';
import type { CertificateFacts } from '../certificate/gate.js';
import { oneLineName } from '../certificate/describe.js';
import type { HostResult } from '../deploy/host.js';
import type { EndpointReport } from '../check/check.js';

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

/** Writes the job summary of a deploy: one row per host, then each host's error. */
export async function writeDeploySummary(
  facts: CertificateFacts,
  results: readonly HostResult[],
  dryRun: boolean,
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const failed = results.filter((result) => result.error !== undefined);
  const header = [
    'Host',
    'Fingerprint',
    'Not after',
    'Days left',
    'Changed',
    'Firewall',
    'Serves it',
    'TLS',
    'Duration',
  ];
  const rows = results.map((result) => [
    escape(`${result.host}:${result.port}`),
    `<code>${facts.fingerprint.slice(0, 23)}…</code>`,
    facts.notAfter.toISOString().slice(0, 10),
    String(facts.daysRemaining),
    result.changed ? 'yes' : 'no',
    result.firewall ?? '–',
    result.servedFingerprint === facts.fingerprint
      ? '✅'
      : result.error === undefined
        ? 'not probed'
        : `❌${result.rolledBack ? ' (rolled back)' : ''}`,
    result.tlsVersion ?? '–',
    `${(result.durationMs / 1000).toFixed(1)} s`,
  ]);
  const summary = core.summary
    .addHeading(
      failed.length > 0
        ? `Certificate deploy failed on ${failed.length} of ${results.length} host(s)`
        : dryRun
          ? 'Dry run: nothing was changed'
          : 'Certificate deployed',
      3,
    )
    .addTable([header.map((data) => ({ data, header: true })), ...rows]);
  for (const result of results) {
    if (result.planned !== undefined)
      summary.addList(result.planned.map((step) => escape(`${result.host}: ${step}`)));
  }
  for (const result of failed) summary.addCodeBlock(result.error ?? '');
  await summary.write();
}

/** Writes the job summary of a check: one row per server and domain. */
export async function writeCheckSummary(reports: readonly EndpointReport[]): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const failing = reports.filter((report) => report.error !== undefined);
  const header = [
    'Server',
    'Domain',
    'Fingerprint',
    'Issuer',
    'Not after',
    'Days left',
    'Chain',
    'OK',
  ];
  const rows = reports.map((report) => [
    escape(report.host ?? report.address),
    escape(report.domain),
    report.fingerprint === undefined ? '–' : `<code>${report.fingerprint.slice(0, 23)}…</code>`,
    escape(report.issuer ?? '–'),
    report.notAfter?.slice(0, 10) ?? '–',
    report.daysRemaining === undefined ? '–' : String(report.daysRemaining),
    report.chainVerified ? 'verified' : '❌',
    report.error === undefined ? '✅' : '❌',
  ]);
  const summary = core.summary
    .addHeading(
      failing.length === 0
        ? 'Certificates check out'
        : `${failing.length} of ${reports.length} endpoint(s) need attention`,
      3,
    )
    .addTable([header.map((data) => ({ data, header: true })), ...rows]);
  for (const report of failing) summary.addCodeBlock(report.error ?? '');
  await summary.write();
}
