import { Firewall } from '../constants.js';
import { WORD_CHARACTERS } from './shell.js';

/** What the preflight saw of the server's firewalls. */
export interface FirewallFacts {
  readonly firewalldRunning: boolean;
  readonly ufwActive: boolean;
  /** `nft list ruleset`, when nft is installed. */
  readonly nftRuleset?: readonly string[];
  /** `iptables -S INPUT`, when iptables is installed. */
  readonly iptablesInput?: readonly string[];
}

/** What the install step does to the firewall. */
export interface FirewallPlan {
  /** The backend used (never `auto`). */
  readonly backend: Exclude<Firewall, Firewall.Auto>;
  /** nftables chains that need the accept rule, as family/table/chain. */
  readonly nftChains: readonly string[];
  /** Whether the install script has anything to do (its rules are idempotent besides). */
  readonly act: boolean;
}

/** An nftables base chain on the input hook, as `nft list ruleset` shows it. */
export interface NftInputChain {
  readonly family: string;
  readonly table: string;
  readonly chain: string;
  readonly policyDrop: boolean;
  readonly rules: readonly string[];
}

/** Why a firewall cannot be used as asked. */
export class FirewallError extends Error {}

/**
 * Chooses the backend (auto: firewalld, ufw, nftables, iptables, else none,
 * the procedure's order) and what it must add so that `port` is open.
 */
export function planFirewall(choice: Firewall, facts: FirewallFacts, port: number): FirewallPlan {
  const backend = choice === Firewall.Auto ? detectFirewall(facts) : choice;
  switch (backend) {
    case Firewall.Nftables: {
      if (facts.nftRuleset === undefined)
        throw new FirewallError('firewall is nftables, but nft is not installed on the server');
      const chains = nftInputChains(facts.nftRuleset).filter((chain) => blocksPort(chain, port));
      const specs = chains.map((chain) => `${chain.family}/${chain.table}/${chain.chain}`);
      const odd = specs.find((spec) => !WORD_CHARACTERS.test(spec));
      if (odd !== undefined) {
        throw new FirewallError(
          `the nftables chain ${odd} has a name the action will not pass to a shell; open port ${port} in it by hand`,
        );
      }
      return { backend, nftChains: specs, act: specs.length > 0 };
    }
    case Firewall.Iptables:
      if (facts.iptablesInput === undefined)
        throw new FirewallError(
          'firewall is iptables, but iptables is not installed on the server',
        );
      return { backend, nftChains: [], act: iptablesActive(facts.iptablesInput) };
    case Firewall.None:
      return { backend, nftChains: [], act: false };
    default:
      return { backend, nftChains: [], act: true };
  }
}

function detectFirewall(facts: FirewallFacts): FirewallPlan['backend'] {
  if (facts.firewalldRunning) return Firewall.Firewalld;
  if (facts.ufwActive) return Firewall.Ufw;
  if (facts.nftRuleset !== undefined && nftInputChains(facts.nftRuleset).length > 0)
    return Firewall.Nftables;
  if (facts.iptablesInput !== undefined && iptablesActive(facts.iptablesInput))
    return Firewall.Iptables;
  return Firewall.None;
}

/**
 * The input-hook base chains of nftables' own tables. Tables that
 * iptables-nft manages (they hold a chain named INPUT) are left to iptables.
 */
export function nftInputChains(ruleset: readonly string[]): NftInputChain[] {
  const chains: (NftInputChain & { rules: string[] })[] = [];
  const iptablesTables = new Set<string>();
  let table: { family: string; name: string } | undefined;
  let chain: { name: string; rules: string[]; hook?: { policyDrop: boolean } } | undefined;
  for (const raw of ruleset) {
    const line = raw.trim();
    const tableMatch = /^table (\S+) (\S+) \{$/.exec(line);
    const chainMatch = /^chain (\S+) \{$/.exec(line);
    if (tableMatch) {
      table = { family: tableMatch[1] ?? '', name: tableMatch[2] ?? '' };
    } else if (chainMatch && table) {
      chain = { name: chainMatch[1] ?? '', rules: [] };
      if (['INPUT', 'FORWARD', 'OUTPUT'].includes(chain.name))
        iptablesTables.add(`${table.family}/${table.name}`);
    } else if (line === '}') {
      if (chain?.hook && table) {
        chains.push({
          family: table.family,
          table: table.name,
          chain: chain.name,
          policyDrop: chain.hook.policyDrop,
          rules: chain.rules,
        });
        chain = undefined;
      } else if (chain) {
        chain = undefined;
      } else {
        table = undefined;
      }
    } else if (chain) {
      const hook = /^type filter hook input\b.*?(?:policy (\w+);)?$/.exec(line);
      if (hook) chain.hook = { policyDrop: hook[1] === 'drop' };
      else if (line !== '') chain.rules.push(line);
    }
  }
  return chains.filter((found) => !iptablesTables.has(`${found.family}/${found.table}`));
}

/** Whether traffic to `port` would be dropped: a drop policy or rule, and no accept for it before the first drop. */
export function blocksPort(chain: NftInputChain, port: number): boolean {
  for (const rule of chain.rules) {
    if (acceptsPort(rule, port)) return false;
    if (/\b(drop|reject)\b/.test(rule)) return true;
  }
  return chain.policyDrop;
}

function acceptsPort(rule: string, port: number): boolean {
  if (!/\baccept$/.test(rule) || /\b(saddr|iifname|iif|ct state)\b/.test(rule)) return false;
  const match = /\btcp dport (\{[^}]*\}|\S+)/.exec(rule);
  if (!match?.[1]) return false;
  const ports = match[1].replace(/[{}\s]/g, '').split(',');
  return ports.some((entry) => {
    const [low, high] = entry.split('-').map(Number);
    return low !== undefined && (high === undefined ? low === port : low <= port && port <= high);
  });
}

/** Whether iptables filters input: a DROP policy or any DROP/REJECT rule. */
export function iptablesActive(lines: readonly string[]): boolean {
  return lines.some(
    (line) => /^-P INPUT (DROP|REJECT)$/.test(line) || /^-A INPUT .*-j (DROP|REJECT)\b/.test(line),
  );
}
