import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_SCRIPTS, ROLLBACK } from '../../src/remote/scripts.js';
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

describe('the supervisor restart', () => {
  /**
   * Runs the rollback script (which ends with the restart) with a stand-in
   * supervisorctl that says `said` and exits with `status`, and a stand-in ss
   * that reports the port listening; returns what the script said of the restart.
   */
  function restartOutcome(service: string, said: string, status: number): string | undefined {
    const bin = mkdtempSync(join(tmpdir(), 'fsd-fake-bin-'));
    try {
      writeFileSync(
        join(bin, 'supervisorctl'),
        `#!/bin/sh\nprintf '%s\\n' '${said}'\nexit ${status}\n`,
        {
          mode: 0o755,
        },
      );
      writeFileSync(join(bin, 'ss'), '#!/bin/sh\necho LISTEN\n', { mode: 0o755 });
      const result = spawnSync(
        'sh',
        [
          '-c',
          ROLLBACK,
          'fsd-rollback',
          bin,
          'cert.pem',
          'cert.key',
          '',
          'supervisor',
          service,
        ].concat(['', '5', '443']),
        { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin` } },
      );
      return /^restart=(.*)$/m.exec(result.stdout)?.[1];
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  }

  it.each([
    ['a running program', 'flaskapp', 'flaskapp: stopped\nflaskapp: started', 0, 'ok'],
    [
      'a program that was down',
      'flaskapp',
      'flaskapp: ERROR (not running)\nflaskapp: started',
      7,
      'ok',
    ],
    [
      'a program that will not start',
      'flaskapp',
      'flaskapp: stopped\nflaskapp: ERROR (spawn error)',
      7,
      'failed',
    ],
    [
      'an unknown program',
      'nope',
      'nope: ERROR (no such process)\nnope: ERROR (no such process)',
      7,
      'failed',
    ],
    ['a group, all started', 'web:', 'web:a: stopped\nweb:a: started\nweb:b: started', 0, 'ok'],
    [
      'a group, one failed',
      'web:',
      'web:a: started\nweb:b: ERROR (abnormal termination)',
      7,
      'failed',
    ],
  ])(
    'reads the outcome of %s from what supervisorctl restart says',
    (_, service, said, status, outcome) => {
      expect(restartOutcome(service, said, status)).toBe(outcome);
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
