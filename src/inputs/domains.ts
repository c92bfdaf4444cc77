import { isIP } from 'node:net';

/** A name the certificate must cover: a DNS host name or an IP address. */
export type Domain =
  | { readonly kind: 'dns'; /** lower case, no trailing dot */ readonly name: string }
  | { readonly kind: 'ip'; /** canonical form, see canonicalIp */ readonly name: string };

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_NAME_LENGTH = 253;

/**
 * Why `text` is not a usable host name or IP address, or undefined when it is.
 * Wildcards are refused: the action connects to each domain, so it needs a
 * real name such as www.example.com, which a wildcard certificate then covers.
 */
export function domainSyntaxError(text: string): string | undefined {
  if (isIP(stripBrackets(text)) !== 0) return undefined;
  if (text.startsWith('*')) {
    return 'is a wildcard; list a concrete name under it (such as www.example.com), which the action can connect to';
  }
  if (text.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  if (text.startsWith('.') || text.endsWith('.')) return 'starts or ends with a dot';
  const labels = text.toLowerCase().split('.');
  if (labels.some((label) => label === '')) return 'has an empty label (two dots in a row)';
  if (/[^\x21-\x7e]/.test(text)) {
    return 'has a character that cannot be in a host name; write an international name in its xn-- form';
  }
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    return 'has a character that cannot be in a host name (only letters, digits and inner hyphens; at most 63 per label)';
  }
  return undefined;
}

/** Parses one checked name into a Domain. Call domainSyntaxError first. */
export function toDomain(text: string): Domain {
  const bare = stripBrackets(text);
  if (isIP(bare) !== 0) return { kind: 'ip', name: canonicalIp(bare) };
  return { kind: 'dns', name: text.toLowerCase() };
}

/**
 * One spelling per address, so that an input and a certificate's SAN compare
 * as strings: IPv4 as is, IPv6 as eight lower-case groups without leading zeros.
 */
export function canonicalIp(address: string): string {
  if (isIP(address) === 4) return address;
  let text = address.toLowerCase();
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text =
      text.slice(0, v4.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros =
    tail === undefined ? [] : Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups]
    .map((group) => parseInt(group, 16).toString(16))
    .join(':');
}

function stripBrackets(text: string): string {
  return text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
}
