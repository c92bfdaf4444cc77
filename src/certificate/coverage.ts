import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { canonicalIp, type Domain } from '../inputs/domains.js';

/** One subjectAltName entry of a certificate that can name a server. */
export interface SubjectAltName {
  readonly kind: 'dns' | 'ip';
  /** As the certificate spells it (DNS) or canonical (IP). */
  readonly name: string;
}

/**
 * The DNS and IP entries of a certificate's subjectAltName. The subject's CN
 * is not read: browsers have ignored it since 2017, so a name only there is
 * not covered.
 */
export function subjectAltNames(cert: X509Certificate): SubjectAltName[] {
  return splitSanList(cert.subjectAltName ?? '').flatMap((entry): SubjectAltName[] => {
    if (entry.startsWith('DNS:')) return [{ kind: 'dns', name: entry.slice(4) }];
    if (entry.startsWith('IP Address:')) {
      const address = entry.slice('IP Address:'.length);
      return isIP(address) === 0 ? [] : [{ kind: 'ip', name: canonicalIp(address) }];
    }
    return [];
  });
}

/** The domains that no SAN covers, in input order. */
export function uncoveredDomains(
  sans: readonly SubjectAltName[],
  domains: readonly Domain[],
): Domain[] {
  return domains.filter((domain) => !sans.some((san) => covers(san, domain)));
}

/**
 * Whether one SAN covers one domain. An IP covers only the same IP. A DNS name
 * covers itself, case-insensitively. A wildcard "*.example.com" covers exactly
 * one more label: www.example.com, never example.com nor a.b.example.com, and
 * only below a name of two labels or more ("*.com" covers nothing).
 */
export function covers(san: SubjectAltName, domain: Domain): boolean {
  if (san.kind !== domain.kind) return false;
  if (san.kind === 'ip') return san.name === domain.name;
  const pattern = san.name.toLowerCase().replace(/\.$/, '');
  if (!pattern.startsWith('*.')) return pattern === domain.name;
  const suffix = pattern.slice(1);
  if (suffix.split('.').length < 3 || suffix.includes('*')) return false;
  if (!domain.name.endsWith(suffix)) return false;
  const label = domain.name.slice(0, -suffix.length);
  return label !== '' && !label.includes('.');
}

/**
 * Splits Node's subjectAltName text ("DNS:a, IP Address:1.2.3.4"). Node writes
 * a value that holds a comma or quote as a JSON string, so quotes are honoured.
 */
function splitSanList(text: string): string[] {
  const entries: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (quoted && char === '\\') {
      current += text.charAt(++i);
    } else if (char === '"') {
      quoted = !quoted;
    } else if (!quoted && text.startsWith(', ', i)) {
      entries.push(current);
      current = '';
      i++;
    } else {
      current += char;
    }
  }
  if (current !== '') entries.push(current);
  return entries;
}
