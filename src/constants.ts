/**
 * Every name the action shares with the outside world is defined here once:
 * the inputs and outputs of action.yml and the modes. A test checks that
 * action.yml declares exactly these.
 */

/** The action's inputs, as declared in action.yml. */
export enum Input {
  Mode = 'mode',
  Certificate = 'certificate',
  PrivateKey = 'private-key',
  PrivateKeyPassphrase = 'private-key-passphrase',
  Chain = 'chain',
  Domains = 'domains',
  CaBundle = 'ca-bundle',
  MinDaysRemaining = 'min-days-remaining',
  Host = 'host',
  Port = 'port',
  Username = 'username',
  SshKey = 'ssh-key',
  SshKeyPassphrase = 'ssh-key-passphrase',
  Password = 'password',
  HostFingerprint = 'host-fingerprint',
  KnownHosts = 'known-hosts',
  InsecureIgnoreHostKey = 'insecure-ignore-host-key',
  RemoteDir = 'remote-dir',
  CertName = 'cert-name',
  KeyName = 'key-name',
  Owner = 'owner',
  Service = 'service',
  ServiceManager = 'service-manager',
  RestartCommand = 'restart-command',
  Firewall = 'firewall',
  HttpsPort = 'https-port',
  Probe = 'probe',
  ProbeAddress = 'probe-address',
  ProbeTimeout = 'probe-timeout',
  ConnectTimeout = 'connect-timeout',
  RestartTimeout = 'restart-timeout',
  LockTimeout = 'lock-timeout',
  DryRun = 'dry-run',
  ProxyHost = 'proxy-host',
  ProxyPort = 'proxy-port',
  ProxyUsername = 'proxy-username',
  ProxySshKey = 'proxy-ssh-key',
  ProxyHostFingerprint = 'proxy-host-fingerprint',
  Pfx = 'pfx',
  PfxPassword = 'pfx-password',
  MaxParallel = 'max-parallel',
}

/** Inputs whose values are secrets: masked the moment they are read, never quoted. */
export const SECRET_INPUTS: readonly Input[] = [
  Input.PrivateKey,
  Input.PrivateKeyPassphrase,
  Input.SshKey,
  Input.SshKeyPassphrase,
  Input.Password,
  Input.Pfx,
  Input.PfxPassword,
  Input.ProxySshKey,
];

/** The action's outputs, as declared in action.yml. */
export enum Output {
  Fingerprint = 'fingerprint',
  Serial = 'serial',
  NotAfter = 'not-after',
  DaysRemaining = 'days-remaining',
  Domains = 'domains',
  Changed = 'changed',
  ServedFingerprint = 'served-fingerprint',
  TlsVersion = 'tls-version',
  Firewall = 'firewall',
  BackupDir = 'backup-dir',
  RolledBack = 'rolled-back',
  LegacyTls = 'legacy-tls',
  HttpRedirect = 'http-redirect',
  NeedsRenewal = 'needs-renewal',
  Result = 'result',
}

/** What one run of the action does. */
export enum Mode {
  /** Validate, install on the hosts, restart, probe; roll back on failure. */
  Deploy = 'deploy',
  /** Probe what the hosts serve; change nothing. */
  Check = 'check',
  /** Validate the certificate and key offline; touch no server. */
  Validate = 'validate',
}

/** How the Flask app is restarted. */
export enum ServiceManager {
  Auto = 'auto',
  Systemd = 'systemd',
  Supervisor = 'supervisor',
  None = 'none',
}

/** Which firewall the HTTPS port is opened in; `auto` detects in this order. */
export enum Firewall {
  Auto = 'auto',
  Firewalld = 'firewalld',
  Ufw = 'ufw',
  Nftables = 'nftables',
  Iptables = 'iptables',
  None = 'none',
}

/** How many earlier pairs the server keeps in remote-dir/.backup. */
export const BACKUPS_KEPT = 5;

/** The largest PEM input (text or file) the action reads. Real bundles are a few KiB. */
export const MAX_MATERIAL_BYTES = 1024 * 1024;

/** OID of the serverAuth extended key usage (RFC 5280 4.2.1.12). */
export const OID_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
/** OID of anyExtendedKeyUsage, which also permits server authentication. */
export const OID_ANY_EKU = '2.5.29.37.0';

/** Smallest RSA modulus the gate accepts, in bits (CA/Browser Forum baseline). */
export const MIN_RSA_BITS = 2048;
