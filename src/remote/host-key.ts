import { createHash, createHmac } from 'node:crypto';
import type { HostKeyPolicy, Target } from '../inputs/settings.js';

/** The fingerprint of a raw SSH public key as `ssh-keygen -lf` prints it: SHA256:base64, unpadded. */
export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** Whether the server's raw host key is the one the policy expects for this target. */
export function hostKeyAccepted(policy: HostKeyPolicy, key: Buffer, target: Target): boolean {
  switch (policy.kind) {
    case 'insecure':
      return true;
    case 'fingerprints':
      return policy.fingerprints.includes(fingerprintOf(key));
    case 'known-hosts':
      return knownHostsAccept(policy.lines, key, target);
  }
}

/**
 * known_hosts matching: a line whose host patterns match the target (plain,
 * wildcard, negated or hashed) and whose key is the server's; a matching
 * @revoked line refuses. @cert-authority lines are not supported and ignored.
 */
function knownHostsAccept(lines: readonly string[], key: Buffer, target: Target): boolean {
  const name = target.port === 22 ? target.host : `[${target.host}]:${target.port}`;
  const encoded = key.toString('base64');
  let accepted = false;
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    const marker = fields[0]?.startsWith('@') ? fields.shift() : undefined;
    const [patterns, , keyText] = fields;
    if (patterns === undefined || keyText !== encoded || !hostMatches(patterns, name)) continue;
    if (marker === '@revoked') return false;
    if (marker === undefined) accepted = true;
  }
  return accepted;
}

/** Whether a known_hosts pattern list matches the host name. */
export function hostMatches(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt = '', hash = ''] = patterns.split('|');
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of patterns.split(',')) {
    const negated = pattern.startsWith('!');
    const glob = negated ? pattern.slice(1) : pattern;
    const regex = new RegExp(
      `^${glob
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      'i',
    );
    if (regex.test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}
