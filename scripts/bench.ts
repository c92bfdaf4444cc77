/**
 * The benchmark. Every measurement runs against throwaway hosts on this
 * machine, paired or alternated with its baseline in the same run, and is
 * reported as the median with min–max. Nothing here asserts a time: the
 * results go to BENCHMARKS.md next to the targets.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { NODE24, runAction } from '../test/helpers/action.ts';
import { Pki, type Issued } from '../test/helpers/pki.ts';
import { TestHost } from '../test/helpers/testhost.ts';

/**
 * The reading of the figures, kept by hand here (the figures themselves are
 * measured on each run): what misses a target, why, and the next fix.
 */
const ANALYSIS = `- **Deploy against the OpenSSH script.** Both wait about 1.5 s for supervisor's restart
  (\`startsecs=1\`). The action adds its own start (loading the bundle, see cold start), the
  certificate gate, an SSH handshake in ssh2, and a preflight round trip (about 0.3 s: sudo,
  \`nft list ruleset\`, \`supervisorctl status\`, which starts Python). The script does no
  preflight, no check and no firewall. Next: fold the preflight's facts into fewer commands, and run
  the preflight while the bundle is still being validated.
- **Cold start.** Loading \`dist/index.js\` costs about 0.2 s over bare node. Most of it is module
  evaluation: \`@actions/core\` v3 alone takes about 0.23 s, because it pulls in
  \`@actions/http-client\`, which carries a second undici (6.x, beside our 7.x) for the OIDC client
  that the action never uses. node-forge (about 0.1 s) is needed only for \`pfx\`. Next: load
  node-forge only when \`pfx\` is given, and keep the OIDC client out of the bundle. Minifying did not
  help (measured: slower to parse).
- **Fleet.** Up to 4 hosts cost little more than 1. At 16 hosts the machine's 2 cores start 16 Python
  Flask apps, 16 supervisorctl clients and 16 sshd sessions at once, so the servers' own restarts
  contend for CPU: on real fleets each server has its own CPUs. The runner's side (16 SSH handshakes in
  one Node process) is the part to measure apart next.
- **Connections and round trips.** One SSH connection per host; two exec round trips when the deploy
  succeeds (preflight, then install with firewall and restart); a third only to roll back or to
  check a blocked path from the server.
- **Probe.** It polls every 25 ms at first and backs off only up to 0.5 s, so the new certificate is
  seen within one poll of being served; the probe phase after supervisor's restart (which returns
  once the app is up) is a single round of HTTPS requests.`;

const ITERATIONS = Math.max(1, Number(process.env.BENCH_ITERATIONS ?? 7));
const OUTPUT = process.env.BENCH_OUTPUT ?? 'BENCHMARKS.md';
const SANS = ['DNS:localhost', 'DNS:app.test', 'DNS:*.app.test', 'IP:127.0.0.1'];

interface Stats {
  median: number;
  min: number;
  max: number;
}
function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] ?? 0)
      : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}
const ms = (value: number): string => `${Math.round(value)} ms`;
const show = (s: Stats): string => `${ms(s.median)} (${ms(s.min)}–${ms(s.max)})`;
const say = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

const pki = new Pki();
const root = pki.root('Bench');
const pairs: Issued[] = [
  pki.leaf('localhost', root, { sans: SANS }),
  pki.leaf('localhost', root, { sans: SANS }),
];
const fingerprint = (pair: Issued): string => new X509Certificate(pair.certPem).fingerprint256;
const hosts: TestHost[] = [];

function actionInputs(
  host: TestHost,
  pair: Issued,
  extra: Record<string, string> = {},
): Record<string, string> {
  return host.deployInputs(pair, root, extra);
}

/** One action deploy; its wall time and its phases. */
function deployWithAction(
  host: TestHost,
  pair: Issued,
  extra: Record<string, string> = {},
): { ms: number; phases: Record<string, number> } {
  const started = performance.now();
  const run = host.runAction(actionInputs(host, pair, extra));
  const elapsed = performance.now() - started;
  if (run.status !== 0) throw new Error(`the action failed: ${run.error ?? run.stderr}`);
  const [first] = JSON.parse(run.outputs.result ?? '[]') as { phases: Record<string, number> }[];
  return { ms: elapsed, phases: first?.phases ?? {} };
}

/** The baseline: what a careful shell script does with the OpenSSH client and openssl. */
function writeBaselineScript(): string {
  const path = join(pki.dir, 'openssh-deploy.sh');
  writeFileSync(
    path,
    `#!/bin/bash
# Plain OpenSSH deploy: copy both files (umask 077, rename into place), restart, probe until served.
set -euo pipefail
key=$1 known=$2 host=$3 cert=$4 pkey=$5 expected=$6
ssh_() { ssh -i "$key" -o UserKnownHostsFile="$known" -o StrictHostKeyChecking=yes -o BatchMode=yes "deploy@$host" "$@"; }
ssh_ 'sudo -n sh -c "umask 077; cat > /ssl/.cert.pem.new && chmod 0644 /ssl/.cert.pem.new && mv /ssl/.cert.pem.new /ssl/cert.pem"' <"$cert"
ssh_ 'sudo -n sh -c "umask 077; cat > /ssl/.cert.key.new && mv /ssl/.cert.key.new /ssl/cert.key"' <"$pkey"
ssh_ 'sudo -n supervisorctl restart flaskapp' >/dev/null
until [ "$(openssl s_client -connect "$host:443" -servername localhost </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 2>/dev/null | cut -d= -f2)" = "$expected" ]; do
  sleep 0.1
done
`,
    { mode: 0o755 },
  );
  return path;
}

function deployWithOpenSsh(host: TestHost, script: string, pair: Issued): number {
  const known = join(pki.dir, 'known_hosts');
  writeFileSync(
    known,
    `${host.address} ${readFileSync(join(host.dir, 'ssh', 'host_ed25519_key.pub'), 'utf8')}`,
  );
  writeFileSync(join(pki.dir, 'deploy_key'), host.sshKey, { mode: 0o600 });
  const started = performance.now();
  const result = spawnSync(
    'nsenter',
    [
      '-t',
      String(host.pid),
      '-n',
      '--',
      script,
      join(pki.dir, 'deploy_key'),
      known,
      host.address,
      pair.certPath,
      pair.keyPath,
      fingerprint(pair),
    ],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (result.status !== 0) throw new Error(`the OpenSSH script failed: ${result.stderr}`);
  return performance.now() - started;
}

/** SSH connections and exec requests in the sshd log during one deploy. */
function countSsh(host: TestHost, work: () => void): { connections: number; execs: number } {
  const before = host.sshdLog().length;
  work();
  const log = host.sshdLog().slice(before);
  return {
    // sshd logs one "Accepted publickey for" per authenticated connection.
    connections: (log.match(/Accepted publickey for/g) ?? []).length,
    execs: (log.match(/session_input_channel_req: session \d+ req exec/g) ?? []).length,
  };
}

/** Time from spawn to the first byte on the network (a TCP connect to a local listener). */
async function coldStart(): Promise<{ action: Stats; bare: Stats }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const action: number[] = [];
  const bare: number[] = [];
  const sshKey = readFileSync(join(hosts[0]?.dir ?? '', 'ssh', 'user_key'), 'utf8');
  for (let i = 0; i < Math.max(5, ITERATIONS * 2); i++) {
    const started = performance.now();
    spawnSync(NODE24, ['-e', '0']);
    bare.push(performance.now() - started);
    const env: Record<string, string> = {
      PATH: '/usr/bin:/bin',
      INPUT_MODE: 'deploy',
      INPUT_CERTIFICATE: pairs[0]?.certPem ?? '',
      'INPUT_PRIVATE-KEY': pairs[0]?.keyPem ?? '',
      'INPUT_CA-BUNDLE': root.certPem,
      INPUT_DOMAINS: 'localhost',
      INPUT_HOST: `127.0.0.1:${port}`,
      INPUT_USERNAME: 'deploy',
      'INPUT_SSH-KEY': sshKey,
      'INPUT_HOST-FINGERPRINT': 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
      INPUT_SERVICE: 'flaskapp',
      'INPUT_CONNECT-TIMEOUT': '1',
    };
    const connected = new Promise<number>((done) =>
      server.once('connection', () => {
        done(performance.now());
      }),
    );
    const begin = performance.now();
    const child = spawn(NODE24, [resolve('dist/index.js')], { env, stdio: 'ignore' });
    action.push((await connected) - begin);
    await new Promise((done) => child.once('exit', done));
  }
  server.close();
  return { action: stats(action), bare: stats(bare) };
}

/** Check mode over 50 endpoints: one host, 50 names under its wildcard. */
function checkFifty(host: TestHost): Stats {
  const domains = Array.from({ length: 50 }, (_, i) => `d${i + 1}.app.test`).join(',');
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const started = performance.now();
    const run = host.runAction({
      mode: 'check',
      host: host.address,
      domains,
      'ca-bundle': root.certPem,
      'probe-timeout': '20',
    });
    times.push(performance.now() - started);
    if (run.status !== 0) throw new Error(`check failed: ${run.error ?? ''}`);
  }
  return stats(times);
}

try {
  say(`Bringing up 16 hosts (${ITERATIONS} iterations per measurement)…`);
  const first = TestHost.create({ firewall: 'nftables', sshLogLevel: 'DEBUG3', initial: pairs[1] });
  hosts.push(first);
  for (let i = 2; i <= 16; i++) {
    const host = TestHost.create({
      firewall: 'none',
      initial: pairs[1],
      join: { host: first, address: `127.0.0.${i}` },
    });
    host.authorizeKeyOf(first);
    hosts.push(host);
  }
  const script = writeBaselineScript();
  // Warm up: the first deploy opens 443 in the firewall, which the OpenSSH script does not do.
  deployWithAction(first, pairs[0] as Issued);

  say('One host: the action against the OpenSSH script, alternating…');
  const actionTimes: number[] = [];
  const scriptTimes: number[] = [];
  const phases: Record<string, number[]> = {};
  let turn = 1;
  for (let i = 0; i < ITERATIONS; i++) {
    const action = deployWithAction(first, pairs[turn++ % 2] as Issued);
    actionTimes.push(action.ms);
    for (const [phase, value] of Object.entries(action.phases)) (phases[phase] ??= []).push(value);
    scriptTimes.push(deployWithOpenSsh(first, script, pairs[turn++ % 2] as Issued));
  }
  const counts = countSsh(first, () => deployWithAction(first, pairs[turn++ % 2] as Issued));
  const scriptCounts = countSsh(first, () =>
    deployWithOpenSsh(first, script, pairs[turn++ % 2] as Issued),
  );

  say('Fleets of 1, 4 and 16 hosts…');
  const fleet: Record<number, number[]> = { 1: [], 4: [], 16: [] };
  const fleetInputs = (size: number, pair: Issued): Record<string, string> => ({
    ...actionInputs(first, pair),
    host: hosts
      .slice(0, size)
      .map((host) => host.address)
      .join(','),
    'host-fingerprint': hosts
      .slice(0, size)
      .map((host) => host.hostFingerprint)
      .join('\n'),
    'max-parallel': '16',
  });
  for (let i = 0; i < Math.max(2, Math.ceil(ITERATIONS / 2)); i++) {
    for (const size of [1, 4, 16]) {
      const pair = pairs[turn++ % 2] as Issued;
      const started = performance.now();
      const run = runAction(fleetInputs(size, pair), {
        prefix: ['nsenter', '-t', String(first.pid), '-n', '--'],
      });
      fleet[size]?.push(performance.now() - started);
      if (run.status !== 0) throw new Error(`fleet of ${size} failed: ${run.error ?? ''}`);
    }
  }

  say('Cold start…');
  const cold = await coldStart();
  say('Check mode over 50 endpoints…');
  const check = checkFifty(first);

  const action = stats(actionTimes);
  const baseline = stats(scriptTimes);
  const fleetStats = Object.fromEntries(
    Object.entries(fleet).map(([size, times]) => [size, stats(times)]),
  );
  const one = fleetStats[1]?.median ?? 1;
  const nodeVersion = execFileSync(NODE24, ['--version'], { encoding: 'utf8' }).trim();
  const sshVersion = spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim();
  const met = (ok: boolean): string => (ok ? 'met' : '**missed**');
  const coldExtra = cold.action.median - cold.bare.median;
  const ratio = action.median / baseline.median;
  const fleetRatio = (fleetStats[16]?.median ?? 0) / one;
  const report = `# Benchmarks

Written by \`npm run bench\` (${ITERATIONS} iterations per measurement) on ${new Date().toISOString().slice(0, 10)}.
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${nodeVersion} (runs the bundle), ${sshVersion}.
Hosts: throwaway namespaces on this machine (sshd, sudo, supervisor with \`startsecs=1\`, Flask, nftables with a drop policy on the first host).
Each figure is the median, with min–max, of runs alternated with their baseline in the same session; these machines are noisy, so compare ratios.

## Targets

| target | measured | |
| --- | --- | --- |
| deploy ≤ 1.0× the OpenSSH script | ${ratio.toFixed(2)}× (${ms(action.median)} vs ${ms(baseline.median)}) | ${met(ratio <= 1)} |
| 1 SSH connection per host, ≤ 3 exec round trips per deploy | ${counts.connections} connection(s), ${counts.execs} exec(s) | ${met(counts.connections <= 1 && counts.execs <= 3)} |
| 16 hosts ≤ 1.5× 1 host | ${fleetRatio.toFixed(2)}× | ${met(fleetRatio <= 1.5)} |
| \`dist/index.js\` loads within 150 ms of bare node | +${ms(coldExtra)} | ${met(coldExtra <= 150)} |
| the probe notices the new certificate within 100 ms of its being served | probe phase ${show(stats(phases.probe ?? []))}, polling every 25 ms at first | see below |

## One host, validate through probe

| | time |
| --- | --- |
| flask-ssl-deploy (\`node dist/index.js\`) | ${show(action)} |
| OpenSSH script (3 × ssh, supervisorctl restart, openssl s_client until served) | ${show(baseline)} |
| ratio of medians | ${ratio.toFixed(2)} |

Counted from the sshd log: the action ${counts.connections} connection(s) and ${counts.execs} exec request(s) per deploy; the script ${scriptCounts.connections} connection(s) and ${scriptCounts.execs} exec request(s).

### Phases of the action (from its \`result\` output)

| phase | time |
| --- | --- |
${Object.entries(phases)
  .map(([phase, values]) => `| ${phase} | ${show(stats(values))} |`)
  .join('\n')}

\`install\` holds \`firewall\`, \`write\` and \`restart\`, measured on the server. The restart is supervisor's: it returns once the app has stayed up for \`startsecs=1\`.

## Fleet

| hosts | time | ratio to 1 host |
| --- | --- | --- |
${Object.entries(fleetStats)
  .map(([size, s]) => `| ${size} | ${show(s)} | ${(s.median / one).toFixed(2)} |`)
  .join('\n')}

## Cold start

| | time |
| --- | --- |
| bare \`node -e 0\` (to exit) | ${show(cold.bare)} |
| \`node dist/index.js\` to its first TCP connection | ${show(cold.action)} |

## Check mode

| | time |
| --- | --- |
| 50 endpoints (one host, 50 names, max-parallel 8) | ${show(check)} |

## Where the time goes, and what is next

${ANALYSIS}

## Commands

\`\`\`sh
npm run bench                      # ${ITERATIONS} iterations by default: BENCH_ITERATIONS=N to change
BENCH_ITERATIONS=2 BENCH_OUTPUT=/tmp/bench.md npm run bench   # the short version CI runs
\`\`\`
`;
  writeFileSync(OUTPUT, report);
  say(`Wrote ${OUTPUT}`);
  process.stdout.write(report);
} finally {
  for (const host of hosts.reverse()) host.destroy();
  pki.dispose();
}
