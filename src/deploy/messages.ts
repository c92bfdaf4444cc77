/**
 * The words of a host's failures: what a failed install step, a refusing
 * sudo or a crashed app's log mean for the person reading the error.
 */
import type { ScriptOutput } from '../remote/output.js';

/** What a failed install step means, for the error message. */
export function installFailure(step: string, detail: string | undefined, dir: string): string {
  const said = detail === undefined || detail === '' ? '' : ` (${detail})`;
  const messages: Record<string, string> = {
    mkdir: `could not create ${dir}${said}.`,
    lock: `could not create the lock file in ${dir}${said}; is it read-only?`,
    'lock-timeout': `another deploy held the lock on ${dir} for too long; try again when it has finished.`,
    write: `could not write the new files in ${dir}${said}; is it full or read-only?`,
    'incomplete-upload': `the new files arrived incomplete (the connection was cut during the upload); nothing was replaced.`,
    backup: `could not back up the current pair in ${dir}/.backup${said}; is it full?`,
    chown: `could not give the files to the owner${said}; does that user exist on the server?`,
    chmod: `could not set the files' modes${said}.`,
    rename: `could not move the new files into place${said}.`,
    firewall: `could not open the port in the firewall${said}.`,
  };
  return `the install step failed: ${messages[step] ?? `${step}${said}`}`;
}

/** Why a remote script never started: sudo missing, asking for a password, or refusing. */
export function privilegeProblem(
  username: string,
  stderr: string,
  code: number | undefined,
): string {
  if (/password is required|a terminal is required/i.test(stderr)) {
    return `sudo asks user '${username}' for a password. The action runs 'sudo -n', which cannot answer: allow the user passwordless sudo (e.g. '${username} ALL=(ALL) NOPASSWD: ALL' in /etc/sudoers.d/${username}), or log in as root. Nothing was changed.`;
  }
  if (/sudo: (command )?not found|sudo: not found/i.test(stderr)) {
    return `sudo is not installed on the server, and user '${username}' is not root. Install sudo, or log in as root. Nothing was changed.`;
  }
  if (/not in the sudoers|not allowed to execute|may not run sudo/i.test(stderr)) {
    return `user '${username}' may not use sudo on the server. Allow it passwordless sudo, or log in as root. Nothing was changed.`;
  }
  return `the server did not run the action's commands (exit ${code ?? 'by signal'}): ${firstLine(stderr)}. Nothing was changed.`;
}

export function logTail(output: ScriptOutput): string {
  const log = output.sections.get('log')?.filter(Boolean) ?? [];
  return log.length === 0 ? '.' : `. The end of its log:\n${log.slice(-15).join('\n')}\n`;
}

export function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.slice(0, 300) ?? '';
}
