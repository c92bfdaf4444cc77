import * as core from '@actions/core';
import { createHash } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { BACKUPS_KEPT } from '../constants.js';
import type { ValidatedBundle } from '../certificate/gate.js';
import type { DeploySettings, Target } from '../inputs/settings.js';
import { planFirewall, type FirewallPlan } from '../remote/firewall.js';
import { parseScriptOutput, type ScriptOutput } from '../remote/output.js';
import { readPreflight } from '../remote/preflight.js';
import { INSTALL, PREFLIGHT, ROLLBACK, SERVED_LOCALLY } from '../remote/scripts.js';
import { chooseRestart, type RestartMode } from '../remote/service.js';
import { shellCommand, type ShellArg } from '../remote/shell.js';
import { SshSession } from '../remote/ssh.js';
import { firstLine, installFailure, logTail, privilegeProblem } from './messages.js';
import {
  ProbeError,
  startProbe,
  type ProbePlan,
  type ProbeSuccess,
  type RunningProbe,
} from '../probe/probe.js';
import {
  checkHttpRedirect,
  checkLegacyTls,
  type HttpRedirect,
  type LegacyTls,
} from '../probe/hygiene.js';

/** What happened on one host: the `result` output holds one per host. */
export interface HostResult {
  readonly host: string;
  readonly port: number;
  readonly changed: boolean;
  readonly fingerprint: string;
  readonly servedFingerprint?: string;
  readonly tlsVersion?: string;
  readonly firewall?: string;
  readonly backupDir?: string;
  readonly legacyTls?: LegacyTls;
  readonly httpRedirect?: HttpRedirect;
  readonly rolledBack: boolean;
  /** Dry run: what a real run would have done, nothing of which was done. */
  readonly planned?: readonly string[];
  readonly error?: string;
  readonly durationMs: number;
  /** Milliseconds per phase: connect, preflight, write, firewall, restart, probe. */
  readonly phases: Readonly<Record<string, number>>;
}

/** A failure on one host, with what was done about it. */
export class HostError extends Error {
  constructor(
    message: string,
    readonly rolledBack: boolean,
  ) {
    super(message);
    this.name = 'HostError';
  }
}

/** What every host of one run gets. */
export interface DeployJob {
  readonly settings: DeploySettings;
  readonly bundle: ValidatedBundle;
  /** The names to probe, as the input listed them. */
  readonly domains: readonly string[];
  /** Aborted when the runner cancels the step (SIGINT/SIGTERM). */
  readonly cancelled: AbortSignal;
}

/** A remote script's parsed output, with its exit status and error output. */
interface ScriptResult extends ScriptOutput {
  readonly code: number | undefined;
  readonly stderr: string;
}

/** How one remote script runs. */
interface ScriptOptions {
  readonly timeoutMs: number;
  /** Fed to the script's standard input, then closed. */
  readonly stdin?: Buffer | undefined;
  /** A non-zero exit is reported in the output (restart=failed) rather than thrown. */
  readonly mayFail?: boolean;
  /** Work of the runner's that can overlap with the script, started once the script runs. */
  readonly onStarted?: () => void;
}

/** Preflight answers within this; it only reads. */
const PREFLIGHT_TIMEOUT_MS = 30_000;

/**
 * Deploys the bundle to one host on one SSH connection: preflight, install
 * with the firewall and the restart, probe, and roll back if the restart or
 * the probe fails. Never throws: failures are in the result.
 */
export async function deployHost(target: Target, job: DeployJob): Promise<HostResult> {
  const run = new HostRun(target, job.settings, job.bundle, job.domains, job.cancelled);
  const started = Date.now();
  try {
    await run.deploy();
    return run.result(Date.now() - started);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return run.result(
      Date.now() - started,
      `${run.name}: ${message}`,
      error instanceof HostError && error.rolledBack,
    );
  } finally {
    run.close();
  }
}

/** The state of one host's deploy while it runs. */
class HostRun {
  readonly name: string;
  private session: SshSession | undefined;
  private readonly phases: Record<string, number> = {};
  private changed = false;
  private firewall: FirewallPlan | undefined;
  private backupDir: string | undefined;
  private probed: ProbeSuccess | undefined;
  /** The probe, started as the install begins; awaited once the install is done. */
  private probing: RunningProbe | undefined;
  private planned: string[] | undefined;
  private httpCheck: Promise<HttpRedirect> | undefined;
  private hygiene: { legacyTls: LegacyTls; httpRedirect: HttpRedirect } | undefined;
  private readonly sudo: boolean;
  private readonly cert: Buffer;
  private readonly key: Buffer;

  constructor(
    private readonly target: Target,
    private readonly settings: DeploySettings,
    private readonly bundle: ValidatedBundle,
    private readonly domains: readonly string[],
    private readonly cancelled: AbortSignal,
  ) {
    this.name = `${target.host}:${target.port}`;
    this.sudo = settings.ssh.username !== 'root';
    this.cert = Buffer.from(bundle.fullchainPem);
    this.key = Buffer.from(bundle.keyPem);
  }

  async deploy(): Promise<void> {
    const remote = this.settings.remote;
    this.stopIfCancelled();
    // Whether http:// redirects does not depend on the new pair: asked now, it costs no time later
    // (a dropped port 80 takes the check's whole timeout). It never rejects.
    if (this.settings.probe.enabled && !this.settings.dryRun) {
      this.httpCheck = checkHttpRedirect(
        this.settings.probe.address ?? this.target.host,
        this.domains[0] ?? this.target.host,
      );
    }
    this.session = await this.timed('connect', () =>
      SshSession.open(this.target, this.settings.ssh, (message) => {
        core.info(`${this.name}: ${message}`);
      }),
    );
    const preflight = readPreflight(
      await this.timed('preflight', () =>
        this.script(
          'fsd-preflight',
          PREFLIGHT,
          [remote.dir, remote.certName, remote.keyName, remote.service ?? ''],
          { timeoutMs: PREFLIGHT_TIMEOUT_MS },
        ),
      ),
    );
    // Everything that can be refused is refused here, before any change.
    const restart = guard(() => chooseRestart(remote, preflight));
    this.firewall = guard(() =>
      planFirewall(remote.firewall, preflight.firewall, remote.httpsPort),
    );
    this.changed =
      sha256(this.cert) !== preflight.certSha256 || sha256(this.key) !== preflight.keySha256;
    core.info(
      `${this.name}: ${this.changed ? 'the server holds another pair: installing' : 'the server already holds this pair: nothing to write, no restart'}; firewall ${this.firewall.backend}${this.firewall.act ? '' : ' (nothing to open)'}; restart via ${restart}.`,
    );
    if (this.settings.dryRun) {
      this.planned = this.plan(
        restart,
        preflight.dirExists,
        preflight.certSha256 !== undefined || preflight.keySha256 !== undefined,
      );
      for (const step of this.planned) core.info(`${this.name}: dry run: would ${step}`);
      return;
    }
    this.stopIfCancelled();
    if (this.changed || this.firewall.act) await this.install(this.changed ? restart : 'none');
    // A cancel that came while the pair was being replaced: finish cleanly, by putting the old one back.
    if (this.cancelled.aborted && this.changed)
      await this.rollBack(restart, 'the run was cancelled after the new pair was installed.');
    if (this.settings.probe.enabled) await this.probe(restart);
  }

  /** Before any change: a cancelled run just stops. */
  private stopIfCancelled(): void {
    if (this.cancelled.aborted)
      throw new HostError(
        'the run was cancelled before anything was changed on this server.',
        false,
      );
  }

  /** What a real run would do here, in words, for a dry run. */
  private plan(restart: RestartMode, dirExists: boolean, hasPair: boolean): string[] {
    const remote = this.settings.remote;
    const files = `${remote.dir}/${remote.certName} and ${remote.dir}/${remote.keyName}`;
    if (!this.changed && this.firewall?.act !== true)
      return ['change nothing: the server holds this pair and the port is open'];
    return [
      ...(dirExists ? [] : [`create ${remote.dir}`]),
      ...(this.changed && hasPair ? [`back up the current pair to ${remote.dir}/.backup/`] : []),
      ...(this.changed ? [`write ${files}`] : []),
      ...(this.firewall?.act === true
        ? [
            `open ${remote.httpsPort}/tcp in ${this.firewall.backend}${this.firewall.nftChains.length > 0 ? ` (${this.firewall.nftChains.join(', ')})` : ''}`,
          ]
        : []),
      ...(this.changed && restart !== 'none' ? [`restart the app via ${restart}`] : []),
      ...(this.settings.probe.enabled ? ['probe until the new certificate is served'] : []),
    ];
  }

  private async install(restart: RestartMode): Promise<void> {
    const remote = this.settings.remote;
    const firewall = this.firewall;
    const args: ShellArg[] = [
      remote.dir,
      remote.certName,
      remote.keyName,
      this.changed ? '1' : '0',
      String(this.cert.length),
      String(this.key.length),
      sha256(this.cert),
      sha256(this.key),
      remote.owner ?? '',
      String(BACKUPS_KEPT),
      firewall?.act ? firewall.backend : '',
      String(remote.httpsPort),
      firewall?.nftChains.join(',') ?? '',
      restart,
      remote.service ?? '',
      { command: remote.restartCommand ?? '' },
      String(remote.restartTimeoutSeconds),
      String(remote.lockTimeoutSeconds),
      new Date().toISOString().replace(/[-:.]/g, ''),
    ];
    const timeout = (remote.restartTimeoutSeconds * 2 + remote.lockTimeoutSeconds + 60) * 1000;
    // The pair travels on the command's standard input, never on a command line or the runner's disk.
    const stdin = this.changed ? Buffer.concat([this.cert, this.key]) : undefined;
    const output = await this.timed('install', () =>
      this.script('fsd-install', INSTALL, args, {
        timeoutMs: timeout,
        stdin,
        mayFail: true,
        // The probe polls from the moment the server runs the install: it sees the new
        // certificate within one poll of the app serving it, while the restart is confirmed.
        onStarted: () => {
          if (this.settings.probe.enabled && this.changed)
            this.probing = startProbe(this.probePlan());
        },
      }),
    );
    for (const phase of ['write', 'firewall', 'restart']) {
      const ms = Number(output.values.get(`time-${phase}`));
      if (Number.isFinite(ms)) this.phases[phase] = ms;
    }
    this.backupDir = output.values.get('backup');
    for (const added of output.all.get('firewall-added') ?? [])
      core.info(`${this.name}: opened ${remote.httpsPort}/tcp in ${added}.`);
    if (output.values.get('firewall-warning') === 'not-persistent') {
      core.warning(
        `${this.name}: opened ${remote.httpsPort}/tcp in ${firewall?.backend ?? 'the firewall'}, but not persistently: the rule is lost at reboot. Add it to the firewall's saved configuration.`,
      );
    }
    const error = output.values.get('error');
    if (error !== undefined)
      throw new HostError(
        `${installFailure(error, output.values.get('error-detail'), remote.dir)} The server keeps its previous pair.`,
        false,
      );
    if (this.changed && output.values.get('installed') !== 'yes') {
      // The script ended before it said the pair was in place: never take that for success.
      const why =
        output.code === undefined
          ? 'the connection to the server was lost during the install step. A lost connection does not interrupt the renames, so the server holds the old pair or the new one, never a mix; run the action again to finish'
          : `the install step ended early (exit ${String(output.code)}: ${firstLine(output.stderr) || 'no message'})`;
      throw new HostError(`${why}.`, false);
    }
    const restartResult = output.values.get('restart');
    const why: Record<string, string> = {
      failed: 'the restart of the app failed',
      timeout: `the restart of the app did not finish within ${remote.restartTimeoutSeconds} s (restart-timeout)`,
      'not-listening': `the app did not listen on port ${remote.httpsPort} within ${remote.restartTimeoutSeconds} s (restart-timeout)`,
    };
    const failure = restartResult === undefined ? undefined : why[restartResult];
    if (failure !== undefined) await this.rollBack(restart, `${failure}${logTail(output)}`);
  }

  private probePlan(): ProbePlan {
    const probe = this.settings.probe;
    return {
      address: probe.address ?? this.target.host,
      port: this.settings.remote.httpsPort,
      domains: this.domains,
      expectedFingerprint: this.bundle.facts.fingerprint,
      ca: [
        ...rootCertificates,
        ...this.bundle.trust.userAnchors.map((anchor) => anchor.toString()),
      ],
      timeoutSeconds: probe.timeoutSeconds,
      signal: this.cancelled,
    };
  }

  private async probe(restart: RestartMode): Promise<void> {
    const plan = this.probePlan();
    const running = this.probing ?? startProbe(plan);
    // probe-timeout counts from the end of the install, however long the probe has been polling.
    running.startClock();
    try {
      this.probed = await this.timed('probe', () => running.result);
      core.info(
        `${this.name}: serves ${this.probed.servedFingerprint} over ${this.probed.tlsVersion} for ${plan.domains.join(', ')} (first seen at ${new Date(this.probed.firstSeenAt).toISOString()}).`,
      );
    } catch (error) {
      await this.probeFailed(error, plan.port, restart);
    }
    await this.checkHygiene(plan.address, plan.port, plan.domains[0] ?? plan.address);
  }

  /** Reports, as warnings and never as failures, old TLS versions and plain http without redirect. */
  private async checkHygiene(address: string, port: number, domain: string): Promise<void> {
    const [legacyTls, httpRedirect] = await Promise.all([
      checkLegacyTls(address, port, domain),
      this.httpCheck ?? checkHttpRedirect(address, domain),
    ]);
    this.hygiene = { legacyTls, httpRedirect };
    if (legacyTls === 'accepted') {
      core.warning(
        `${this.name}: the server still accepts TLS 1.0/1.1, which browsers no longer use; set the app's minimum TLS version to 1.2.`,
      );
    }
    if (httpRedirect === 'no-redirect') {
      core.warning(
        `${this.name}: http://${domain}/ on port 80 answers without redirecting to https://; add a redirect so visitors get the padlock.`,
      );
    }
  }

  /** After a failed probe: tell a blocked path from a broken server, and roll back the latter. */
  private async probeFailed(error: unknown, port: number, restart: RestartMode): Promise<never> {
    if (!(error instanceof ProbeError)) throw error;
    if (error.kind === 'cancelled' && this.changed) return this.rollBack(restart, error.message);
    if (error.kind === 'unreachable' && (await this.servesLocally(error.domain))) {
      throw new HostError(
        `${error.message} Yet the server itself serves the new certificate on its own address, so the path to port ${port} is blocked outside the server: open ${port}/tcp in the cloud security group or network firewall in front of it. The new certificate was kept, as the server is right.`,
        false,
      );
    }
    if (!this.changed)
      throw new HostError(
        `${error.message} Nothing was changed on the server, so nothing was rolled back.`,
        false,
      );
    return this.rollBack(restart, error.message);
  }

  /** Restores the previous pair and restarts, then fails with what went wrong. */
  private async rollBack(restart: RestartMode, why: string): Promise<never> {
    this.probing?.stop();
    const remote = this.settings.remote;
    core.warning(`${this.name}: ${why} Rolling back.`);
    const args: ShellArg[] = [
      remote.dir,
      remote.certName,
      remote.keyName,
      this.backupDir ?? '',
      restart,
      remote.service ?? '',
      { command: remote.restartCommand ?? '' },
      String(remote.restartTimeoutSeconds),
      String(remote.httpsPort),
    ];
    const output = await this.timed('rollback', () =>
      this.script('fsd-rollback', ROLLBACK, args, {
        timeoutMs: (remote.restartTimeoutSeconds * 2 + 60) * 1000,
        mayFail: true,
      }),
    );
    const restored = output.values.get('restored') === 'yes';
    const restarted = ['ok', 'skipped'].includes(output.values.get('restart') ?? '');
    const previous =
      this.backupDir === undefined
        ? 'removed the new files (there was no previous pair)'
        : `restored the previous pair from ${this.backupDir}`;
    const state =
      restored && restarted
        ? `Rolled back: ${previous} and restarted the app.`
        : `The rollback ${restored ? `${previous} but the app did not restart` : 'failed'}${logTail(output)} — check the server by hand.`;
    throw new HostError(`${why} ${state}`, restored);
  }

  /** Whether the server serves the new certificate to itself, on its own address. */
  private async servesLocally(domain: string): Promise<boolean> {
    try {
      const output = await this.script(
        'fsd-served',
        SERVED_LOCALLY,
        [String(this.settings.remote.httpsPort), domain],
        { timeoutMs: 20_000 },
      );
      return output.values.get('served') === this.bundle.facts.fingerprint;
    } catch {
      return false;
    }
  }

  /** Runs one remote script and reads its output; a script that never started is a privilege problem. */
  private async script(
    name: string,
    text: string,
    args: readonly ShellArg[],
    options: ScriptOptions,
  ): Promise<ScriptResult> {
    if (this.session === undefined) throw new HostError('not connected', false);
    const result = await this.session.exec(
      shellCommand(name, text, args, this.sudo),
      options.stdin,
      options.timeoutMs,
      options.onStarted,
    );
    const output = parseScriptOutput(result.stdout);
    if (!output.started)
      throw new HostError(
        privilegeProblem(this.settings.ssh.username, result.stderr, result.code),
        false,
      );
    if (result.code !== 0 && options.mayFail !== true && output.values.get('error') === undefined) {
      throw new HostError(
        `the remote step ${name} failed (exit ${result.code ?? 'by signal'}): ${firstLine(result.stderr)}`,
        false,
      );
    }
    return { ...output, code: result.code, stderr: result.stderr };
  }

  private async timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await core.group(`${this.name}: ${phase}`, work);
    } finally {
      const ms = Date.now() - started;
      this.phases[phase] = ms;
      core.info(`${this.name}: ${phase} took ${ms} ms`);
    }
  }

  result(durationMs: number, error?: string, rolledBack = false): HostResult {
    return {
      host: this.target.host,
      port: this.target.port,
      changed: this.changed,
      fingerprint: this.bundle.facts.fingerprint,
      ...(this.probed === undefined
        ? {}
        : { servedFingerprint: this.probed.servedFingerprint, tlsVersion: this.probed.tlsVersion }),
      ...(this.hygiene ?? {}),
      ...(this.planned === undefined ? {} : { planned: this.planned }),
      ...(this.firewall === undefined ? {} : { firewall: this.firewall.backend }),
      ...(this.backupDir === undefined ? {} : { backupDir: this.backupDir }),
      rolledBack,
      ...(error === undefined ? {} : { error }),
      durationMs,
      phases: { ...this.phases },
    };
  }

  close(): void {
    this.probing?.stop();
    this.session?.close();
  }
}

/** Runs a check that refuses the deploy, turning its error into a HostError that says nothing changed. */
function guard<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new HostError(
      `${error instanceof Error ? error.message : String(error)} Nothing was changed.`,
      false,
    );
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
