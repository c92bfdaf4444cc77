import { describe, expect, it } from 'vitest';
import { covers } from '../../src/certificate/coverage.js';
import { canonicalIp, domainSyntaxError, toDomain } from '../../src/inputs/domains.js';

describe('domain syntax', () => {
  it.each([
    'example.com',
    'www.example.com',
    'xn--bcher-kva.example',
    'a-b.c1.io',
    'localhost',
    '127.0.0.1',
    '::1',
    '[2001:db8::1]',
  ])('accepts %s', (name) => {
    expect(domainSyntaxError(name)).toBeUndefined();
  });

  it.each([
    ['.example.com', 'starts or ends with a dot'],
    ['example.com.', 'starts or ends with a dot'],
    ['www..example.com', 'empty label'],
    ['ex ample.com', 'cannot be in a host name'],
    ['exa_mple.com', 'cannot be in a host name'],
    ['-bad.example.com', 'cannot be in a host name'],
    ['bücher.example', 'xn-- form'],
    ['example.com;rm -rf /', 'cannot be in a host name'],
    ['*.example.com', 'is a wildcard'],
    [`${'a'.repeat(64)}.example.com`, 'at most 63'],
    [`${'abc.'.repeat(70)}com`, 'longer than 253'],
  ])('refuses %s', (name, reason) => {
    expect(domainSyntaxError(name)).toContain(reason);
  });
});

describe('IP addresses', () => {
  it('writes each IPv6 address one way', () => {
    expect(canonicalIp('::1')).toBe('0:0:0:0:0:0:0:1');
    expect(canonicalIp('2001:DB8::0001')).toBe('2001:db8:0:0:0:0:0:1');
    expect(canonicalIp('::ffff:1.2.3.4')).toBe('0:0:0:0:0:ffff:102:304');
    expect(canonicalIp('1.2.3.4')).toBe('1.2.3.4');
    expect(toDomain('[::1]')).toEqual({ kind: 'ip', name: '0:0:0:0:0:0:0:1' });
  });
});

describe('coverage', () => {
  const dns = (name: string) => ({ kind: 'dns' as const, name });
  it.each([
    ['*.example.com', 'www.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['*.EXAMPLE.com', 'www.example.com', true],
    ['*.com', 'example.com', false],
    ['w*.example.com', 'www.example.com', false],
    ['example.com', 'example.com', true],
    ['example.com', 'www.example.com', false],
    ['Example.COM.', 'example.com', true],
  ])('%s covers %s: %s', (san, name, expected) => {
    expect(covers(dns(san), toDomain(name))).toBe(expected);
  });

  it('never matches an IP against a DNS name', () => {
    expect(covers(dns('127.0.0.1'), toDomain('127.0.0.1'))).toBe(false);
    expect(covers({ kind: 'ip', name: '127.0.0.1' }, toDomain('127.0.0.1'))).toBe(true);
  });
});
