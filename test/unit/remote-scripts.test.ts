import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ALL_SCRIPTS } from '../../src/remote/scripts.js';
import { UnsafeShellWordError, quote, shellCommand } from '../../src/remote/shell.js';

describe('remote scripts', () => {
  it.each(Object.entries(ALL_SCRIPTS))('%s passes shellcheck as POSIX sh', (_, script) => {
    const result = spawnSync('shellcheck', ['-s', 'sh', '-'], {
      input: `#!/bin/sh\n${script}`,
      encoding: 'utf8',
    });
    expect(result.error).toBeUndefined();
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  it.each(Object.entries(ALL_SCRIPTS))(
    '%s holds no single quote, so it is passed without escaping',
    (_, script) => {
      expect(script).not.toContain("'");
    },
  );
});

describe('quoting', () => {
  it('quotes allowed words and refuses anything a shell would read as syntax', () => {
    expect(quote('/ssl/cert.pem')).toBe("'/ssl/cert.pem'");
    for (const bad of ["a'b", 'a b', '$(id)', '`id`', 'a;b', 'a|b', 'a&b', 'a\nb', 'a*', 'a\\b']) {
      expect(() => quote(bad)).toThrow(UnsafeShellWordError);
    }
  });

  it('builds sudo and plain command lines, with a restart command as one word', () => {
    expect(
      shellCommand(
        'fsd-x',
        'echo "$1"',
        ['/ssl', { command: 'systemctl restart app && true' }],
        true,
      ),
    ).toBe(`sudo -n sh -c 'echo "$1"' 'fsd-x' '/ssl' 'systemctl restart app && true'`);
    expect(shellCommand('fsd-x', 'true', [], false)).toBe(`sh -c 'true' 'fsd-x'`);
    expect(() => shellCommand('fsd-x', "echo 'no'", [], false)).toThrow(UnsafeShellWordError);
  });
});
