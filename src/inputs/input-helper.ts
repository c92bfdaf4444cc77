import * as core from '@actions/core';
import { Input, Mode, SECRET_INPUTS } from '../constants.js';
import {
  InputError,
  collectProblems,
  collectProblemsAsync,
  quoteValue,
  type Problem,
} from '../errors.js';
import { domainSyntaxError, toDomain, type Domain } from './domains.js';
import { readBinaryInWorkspace, readMaterial } from './material.js';
import { readPkcs12 } from '../certificate/pkcs12.js';
import { getChoice, getInteger } from './readers.js';
import { getDeploySettings, getMaxParallel, getProbeAddress, getTargets } from './deploy-inputs.js';
import type { CertificateSettings, CheckSettings, Material, Settings } from './settings.js';

const DEFAULT_MIN_DAYS = 7;
const MAX_MIN_DAYS = 3650;

/**
 * Reads every input once and returns the settings object. Secrets are masked
 * before anything else happens, so no later failure can print one.
 */
export async function getSettings(): Promise<Settings> {
  for (const input of SECRET_INPUTS) {
    const value = core.getInput(input);
    if (value !== '') core.setSecret(value);
  }
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const mode = getMode();
  const problems: Problem[] = [];
  if (mode === Mode.Check) {
    const check = collectProblems(problems, () => getCheckSettings(workspace));
    if (!check || problems.length > 0) throw new InputError(problems);
    return { mode, check };
  }
  const certificate = await collectProblemsAsync(problems, () => getCertificateSettings(workspace));
  if (mode === Mode.Validate) {
    if (!certificate || problems.length > 0) throw new InputError(problems);
    return { mode, certificate };
  }
  const deploy = collectProblems(problems, getDeploySettings);
  if (!certificate || !deploy || problems.length > 0) throw new InputError(problems);
  return { mode, certificate, deploy };
}

/** `mode: check` reads no certificate or key: it looks at what the servers serve. */
function getCheckSettings(workspace: string): CheckSettings {
  const problems: Problem[] = [];
  const read = <T>(reader: () => T): T | undefined => collectProblems(problems, reader);
  const targets = read(() => getTargets(22, false));
  const domains = read(getDomains);
  const minDaysRemaining = read(getMinDaysRemaining);
  const caBundle = read(() => getMaterial(Input.CaBundle, false, workspace));
  const httpsPort = read(() => getInteger(Input.HttpsPort, 1, 65535, 443));
  const probeAddress = read(getProbeAddress);
  const timeoutSeconds = read(() => getInteger(Input.ProbeTimeout, 1, 3600, 60));
  const maxParallel = read(getMaxParallel);
  if (
    !targets ||
    !domains ||
    minDaysRemaining === undefined ||
    httpsPort === undefined ||
    timeoutSeconds === undefined ||
    maxParallel === undefined ||
    problems.length > 0
  ) {
    throw new InputError(problems);
  }
  return {
    targets,
    domains,
    minDaysRemaining,
    httpsPort,
    timeoutSeconds,
    maxParallel,
    ...(caBundle === undefined ? {} : { caBundle }),
    ...(probeAddress === undefined ? {} : { probeAddress }),
  };
}

function getMode(): Mode {
  return getChoice(Input.Mode, Object.values(Mode), Mode.Deploy);
}

async function getCertificateSettings(workspace: string): Promise<CertificateSettings> {
  const problems: Problem[] = [];
  const material = (input: Input, required: boolean): Material | undefined =>
    collectProblems(problems, () => getMaterial(input, required, workspace));
  const pfx = await collectProblemsAsync(problems, () => getPfxMaterial(workspace));
  const certificate = pfx?.certificate ?? material(Input.Certificate, true);
  const privateKey = pfx?.privateKey ?? material(Input.PrivateKey, true);
  const chain = material(Input.Chain, false);
  const caBundle = material(Input.CaBundle, false);
  const domains = collectProblems(problems, getDomains);
  const minDaysRemaining = collectProblems(problems, getMinDaysRemaining);
  if (
    problems.length > 0 ||
    !certificate ||
    !privateKey ||
    !domains ||
    minDaysRemaining === undefined
  ) {
    throw new InputError(problems);
  }
  const passphrase = core.getInput(Input.PrivateKeyPassphrase);
  return {
    certificate,
    privateKey,
    ...(passphrase === '' ? {} : { privateKeyPassphrase: passphrase }),
    ...(chain ? { chain } : {}),
    ...(caBundle ? { caBundle } : {}),
    domains,
    minDaysRemaining,
  };
}

/**
 * `pfx` + `pfx-password`, the alternative to `certificate` + `private-key`:
 * a base64 PKCS#12 bundle, unpacked into the same PEM the gate reads.
 */
async function getPfxMaterial(
  workspace: string,
): Promise<{ certificate: Material; privateKey: Material } | undefined> {
  const pfx = core.getInput(Input.Pfx);
  if (pfx === '') return undefined;
  if (core.getInput(Input.Certificate) !== '' || core.getInput(Input.PrivateKey) !== '') {
    throw InputError.of(
      Input.Pfx,
      "replaces 'certificate' and 'private-key': pass either the PKCS#12 bundle or the PEM pair, not both.",
    );
  }
  const contents = await readPkcs12(pfxBase64(pfx, workspace), core.getInput(Input.PfxPassword));
  // The unpacked key is a secret derived from one.
  core.setSecret(contents.keyPem);
  return {
    certificate: { input: Input.Pfx, text: contents.certificatePem },
    privateKey: { input: Input.Pfx, text: contents.keyPem },
  };
}

/** The pfx value is base64 itself, unless it names a .pfx/.p12 file in the workspace. */
function pfxBase64(value: string, workspace: string): string {
  if (!/^[^\n]{1,4096}\.(pfx|p12)$/i.test(value)) return value;
  return readBinaryInWorkspace(Input.Pfx, value, workspace).toString('base64');
}

/** A PEM input, or undefined when an optional one is empty. */
function getMaterial(input: Input, required: boolean, workspace: string): Material | undefined {
  const value = core.getInput(input);
  if (value !== '') return readMaterial(input, value, workspace, SECRET_INPUTS.includes(input));
  if (!required) return undefined;
  throw InputError.of(
    input,
    'is required. Set it to the PEM text (from a secret) or to the path of a PEM file in the workspace.',
  );
}

/** The `domains` input: names separated by newlines or commas, each checked. */
function getDomains(): Domain[] {
  const names = core
    .getInput(Input.Domains)
    .split(/[\n,]/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) {
    throw InputError.of(
      Input.Domains,
      'is required: list the names the certificate must cover, one per line or separated by commas.',
    );
  }
  const problems = names.flatMap((name): Problem[] => {
    const error = domainSyntaxError(name);
    return error === undefined
      ? []
      : [{ input: Input.Domains, message: `${quoteValue(name)} ${error}.` }];
  });
  if (problems.length > 0) throw new InputError(problems);
  const unique = new Map(
    names.map((name) => toDomain(name)).map((domain) => [domain.name, domain]),
  );
  return [...unique.values()];
}

function getMinDaysRemaining(): number {
  return getInteger(Input.MinDaysRemaining, 0, MAX_MIN_DAYS, DEFAULT_MIN_DAYS);
}
