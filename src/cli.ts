/**
 * The command-line entry, for other CI systems and terminals:
 *   flask-ssl-deploy deploy --host web1 --certificate ./fullchain.pem …
 * Each flag is an action input of the same name, so the settings, defaults
 * and checks are the action's own: the flags become INPUT_* variables and
 * the action's run() does the work. Inputs may also come from INPUT_*
 * variables, which keeps secrets off the command line. A flag's value that
 * names an existing file is read as that file.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import actionYml from '../action.yml';
import { Input, Mode } from './constants.js';
import { run } from './main.js';

interface Described {
  readonly description?: string;
  readonly default?: string;
}
const action = parse(actionYml) as {
  inputs: Record<string, Described>;
  outputs: Record<string, Described>;
};

/** Inputs whose value is the text itself in the action: from the CLI, a file path is read. */
const TEXT_FROM_FILE = new Set<string>([Input.SshKey, Input.KnownHosts, Input.HostFingerprint]);
/** Inputs that take a path in the action: made absolute, since the CLI's workspace is /. */
const PATH_INPUTS = new Set<string>([
  Input.Certificate,
  Input.PrivateKey,
  Input.Chain,
  Input.CaBundle,
  Input.Pfx,
]);
const BOOLEAN_INPUTS = new Set<string>([Input.DryRun, Input.Probe, Input.InsecureIgnoreHostKey]);

class UsageError extends Error {}

function help(): string {
  const lines = Object.entries(action.inputs)
    .filter(([name]) => name !== (Input.Mode as string))
    .map(([name, input]) => {
      const fallback = input.default === undefined ? '' : ` (default: ${input.default})`;
      return `  --${name}\n      ${(input.description ?? '').replace(/\s+/g, ' ').trim()}${fallback}`;
    });
  return [
    'Usage: flask-ssl-deploy <deploy|check|validate> [--input value]…',
    '',
    'Validates a certificate and key, installs them on Linux servers running a Flask app over SSH,',
    'opens the HTTPS port, restarts the app and proves the new certificate is served.',
    'Every flag is an input of the GitHub Action; INPUT_<NAME> variables work too (use them for secrets).',
    'A value that names a file is read from that file.',
    '',
    'Inputs:',
    ...lines,
    '',
    `Outputs are printed at the end: ${Object.keys(action.outputs).join(', ')}.`,
  ].join('\n');
}

/** Reads argv into input values. */
function parseArguments(argv: readonly string[]): Map<string, string> {
  const inputs = new Map<string, string>();
  const known = new Set(Object.keys(action.inputs));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) {
      if (inputs.has(Input.Mode))
        throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
      inputs.set(Input.Mode, arg);
      continue;
    }
    const [flag = '', inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (!known.has(flag)) throw new UsageError(`unknown option --${flag}`);
    const next = argv[i + 1];
    let value: string;
    if (inline !== undefined) value = inline;
    else if (
      BOOLEAN_INPUTS.has(flag) &&
      (next === undefined || next.startsWith('--') || !/^(true|false)$/i.test(next))
    )
      value = 'true';
    else if (next === undefined) throw new UsageError(`--${flag} needs a value`);
    else value = argv[++i] ?? '';
    inputs.set(flag, fromFile(flag, value));
  }
  if (!inputs.has(Input.Mode) && process.env.INPUT_MODE === undefined)
    throw new UsageError(`say what to do: ${Object.values(Mode).join(', ')}`);
  return inputs;
}

function fromFile(flag: string, value: string): string {
  if (
    value.includes('\n') ||
    value.length > 4096 ||
    !existsSync(value) ||
    !statSync(value).isFile()
  )
    return value;
  if (TEXT_FROM_FILE.has(flag)) return readFileSync(value, 'utf8');
  return PATH_INPUTS.has(flag) ? resolve(value) : value;
}

/** Turns the workflow commands that @actions/core prints into terminal text; masks stay unprinted. */
function translateWorkflowCommands(): void {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array, ...rest: never[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const translated = text
      .split('\n')
      .flatMap((line) => {
        if (line.startsWith('::add-mask::') || line === '::endgroup::') return [];
        const command = /^::(group|warning|error|notice|debug)(?: [^:]*)?::(.*)$/.exec(line);
        if (command === null) return [line];
        const message = (command[2] ?? '')
          .replace(/%0A/g, '\n')
          .replace(/%0D/g, '\r')
          .replace(/%25/g, '%');
        return [command[1] === 'group' ? `== ${message}` : `${command[1] ?? ''}: ${message}`];
      })
      .join('\n');
    return write(translated, ...rest);
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) {
    process.stdout.write(`${help()}\n`);
    process.exitCode = argv.length === 0 ? 2 : 0;
    return;
  }
  let inputs: Map<string, string>;
  try {
    inputs = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`flask-ssl-deploy: ${error.message}. See --help.\n`);
    process.exitCode = 2;
    return;
  }
  for (const [name, value] of inputs) process.env[`INPUT_${name.toUpperCase()}`] = value;
  // Paths were made absolute above, so the whole file system is the "workspace".
  process.env.GITHUB_WORKSPACE = '/';
  const folder = mkdtempSync(join(tmpdir(), 'flask-ssl-deploy-'));
  const outputFile = join(folder, 'outputs');
  writeFileSync(outputFile, '', { mode: 0o600 });
  process.env.GITHUB_OUTPUT = outputFile;
  translateWorkflowCommands();
  try {
    await run();
    const outputs = readFileSync(outputFile, 'utf8').matchAll(
      /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm,
    );
    process.stdout.write('\nOutputs:\n');
    for (const [, name = '', , value = ''] of outputs)
      process.stdout.write(`  ${name}: ${value}\n`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
