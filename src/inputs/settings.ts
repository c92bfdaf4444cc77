import type { Firewall, Input, Mode, ServiceManager } from '../constants.js';
import type { Domain } from './domains.js';

/** PEM text taken from one input, given inline or read from a file in the workspace. */
export interface Material {
  /** The input it came from, named in every error about it. */
  readonly input: Input;
  /** The PEM text, with Windows line endings made Unix. */
  readonly text: string;
  /** The file it was read from, as the user wrote it; undefined when given inline. */
  readonly path?: string;
}

/** What the certificate gate needs: the pair, its chain, the names, the policy. */
export interface CertificateSettings {
  /** The leaf certificate, optionally followed by its intermediates. */
  readonly certificate: Material;
  /** The private key of the leaf (a secret, already masked). */
  readonly privateKey: Material;
  /** Passphrase of an encrypted private key (a secret, already masked). */
  readonly privateKeyPassphrase?: string;
  /** Intermediates, when `certificate` holds the leaf alone. */
  readonly chain?: Material;
  /** Extra trust anchors (private CAs), trusted besides Node's root store. */
  readonly caBundle?: Material;
  /** The names the leaf must cover, deduplicated, in the order given. */
  readonly domains: readonly Domain[];
  /** Refuse a certificate with fewer whole days than this left. */
  readonly minDaysRemaining: number;
}

/**
 * Everything the action was asked to do, parsed and checked once from the
 * inputs by `getSettings()`. Nothing else in the action reads an input.
 */
export type Settings =
  | { readonly mode: Mode.Validate; readonly certificate: CertificateSettings }
  | {
      readonly mode: Mode.Deploy;
      readonly certificate: CertificateSettings;
      readonly deploy: DeploySettings;
    }
  | { readonly mode: Mode.Check; readonly check: CheckSettings };

/** `mode: check`: what to look at on the live servers. No certificate or key is read. */
export interface CheckSettings {
  /** Servers to probe; empty means each domain, reached through DNS. */
  readonly targets: readonly Target[];
  readonly domains: readonly Domain[];
  readonly minDaysRemaining: number;
  readonly caBundle?: Material;
  readonly httpsPort: number;
  /** Connect here instead of each host. */
  readonly probeAddress?: string;
  readonly timeoutSeconds: number;
  readonly maxParallel: number;
}

/** One server to deploy to. */
export interface Target {
  readonly host: string;
  readonly port: number;
}

/** How the server's SSH host key is checked. */
export type HostKeyPolicy =
  /** `SHA256:…` fingerprints as `ssh-keygen -lf` prints them; any one may match. */
  | { readonly kind: 'fingerprints'; readonly fingerprints: readonly string[] }
  /** known_hosts lines; a key listed for the host must match. */
  | { readonly kind: 'known-hosts'; readonly lines: readonly string[] }
  /** Not checked, by explicit request (insecure-ignore-host-key). */
  | { readonly kind: 'insecure' };

/** How to log in to one SSH server. */
export interface Login {
  readonly username: string;
  /** The SSH private key (a secret) and its passphrase, or a password. */
  readonly privateKey?: string;
  readonly passphrase?: string;
  readonly password?: string;
  readonly hostKey: HostKeyPolicy;
  readonly connectTimeoutSeconds: number;
}

/** How to reach and log in to the servers. */
export interface SshSettings extends Login {
  readonly targets: readonly Target[];
  /** A jump host (bastion) that every connection is tunnelled through. */
  readonly proxy?: ProxySettings;
}

/** The jump host: where it is and how to log in to it, its host key verified too. */
export interface ProxySettings extends Login {
  readonly target: Target;
}

/** What to change on each server. Every string here passed the remote allow-lists. */
export interface RemoteSettings {
  /** Absolute folder for the pair, e.g. /ssl. */
  readonly dir: string;
  readonly certName: string;
  readonly keyName: string;
  /** user[:group] to own the files; undefined keeps root. */
  readonly owner?: string;
  readonly service?: string;
  readonly serviceManager: ServiceManager;
  /** Run on the server instead of the service manager's restart. */
  readonly restartCommand?: string;
  readonly firewall: Firewall;
  readonly httpsPort: number;
  readonly restartTimeoutSeconds: number;
  /** How long to wait for another deploy's lock on the server. */
  readonly lockTimeoutSeconds: number;
}

/** Whether and how to prove that the server serves the new certificate. */
export interface ProbeSettings {
  readonly enabled: boolean;
  /** Where to connect; undefined means each SSH host. */
  readonly address?: string;
  readonly timeoutSeconds: number;
}

/** Everything `mode: deploy` needs besides the certificate. */
export interface DeploySettings {
  /** Connect and run the preflight, report what would change, change nothing. */
  readonly dryRun: boolean;
  /** How many hosts are deployed at once. */
  readonly maxParallel: number;
  readonly ssh: SshSettings;
  readonly remote: RemoteSettings;
  readonly probe: ProbeSettings;
}
