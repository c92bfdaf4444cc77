import type { FirewallFacts } from './firewall.js';
import type { ScriptOutput } from './output.js';

/** What the server holds now, read in one round trip before any change. */
export interface Preflight {
  readonly dirExists: boolean;
  /** SHA-256 (hex) of the current files, undefined when absent. */
  readonly certSha256?: string;
  readonly keySha256?: string;
  readonly firewall: FirewallFacts;
  /** systemd's LoadState of the service, when systemd runs. */
  readonly systemdLoadState?: string;
  /** `supervisorctl status SERVICE`, when supervisor is installed. */
  readonly supervisorStatus?: readonly string[];
}

/** Reads the PREFLIGHT script's output. */
export function readPreflight(output: ScriptOutput): Preflight {
  const digest = (key: string): string | undefined => {
    const value = output.values.get(key);
    return value === undefined || value === 'none' ? undefined : value;
  };
  const systemd = output.values.get('systemd-load');
  const supervisor = output.sections.get('supervisor');
  const nft = output.sections.get('nft');
  const iptables = output.sections.get('iptables');
  return {
    dirExists: output.values.get('dir') === 'yes',
    ...optional('certSha256', digest('cert-sha256')),
    ...optional('keySha256', digest('key-sha256')),
    firewall: {
      firewalldRunning: output.values.get('firewalld') === 'running',
      ufwActive: output.values.get('ufw') === 'active',
      ...optional('nftRuleset', nft),
      ...optional('iptablesInput', iptables),
    },
    ...optional('systemdLoadState', systemd),
    ...optional('supervisorStatus', supervisor),
  };
}

/** `{ [key]: value }`, or nothing when the value is undefined (optional fields stay absent). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
