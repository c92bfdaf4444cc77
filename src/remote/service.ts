import { ServiceManager } from '../constants.js';
import type { RemoteSettings } from '../inputs/settings.js';
import type { Preflight } from './preflight.js';

/** How the install script restarts the app. */
export type RestartMode = 'systemd' | 'supervisor' | 'command' | 'none';

/** Why the service cannot be restarted as asked. */
export class ServiceError extends Error {}

/**
 * Chooses how to restart: the restart command when given, else the service
 * manager that knows the service (auto: systemd, then supervisor).
 */
export function chooseRestart(remote: RemoteSettings, preflight: Preflight): RestartMode {
  if (remote.restartCommand !== undefined) return 'command';
  if (remote.serviceManager === ServiceManager.None || remote.service === undefined) return 'none';
  const systemd = preflight.systemdLoadState === 'loaded';
  const supervisor = supervisorKnows(preflight.supervisorStatus);
  const service = remote.service;
  switch (remote.serviceManager) {
    case ServiceManager.Systemd:
      if (!systemd)
        throw new ServiceError(
          `service '${service}' is not a loaded systemd unit on the server (${preflight.systemdLoadState ?? 'systemd is not running'}). Check the unit name, or set service-manager.`,
        );
      return 'systemd';
    case ServiceManager.Supervisor:
      if (!supervisor)
        throw new ServiceError(
          `supervisor does not know a program '${service}' on the server${statusHint(preflight)}. Check the program name in supervisor's configuration, or set service-manager.`,
        );
      return 'supervisor';
    default:
      if (systemd) return 'systemd';
      if (supervisor) return 'supervisor';
      throw new ServiceError(
        `service '${service}' is known to neither systemd nor supervisor on the server${statusHint(preflight)}. Check the name, or set restart-command to the command that restarts the app.`,
      );
  }
}

function supervisorKnows(status: readonly string[] | undefined): boolean {
  if (status === undefined || status.length === 0) return false;
  const text = status.join('\n');
  return !/no such (process|group)|ERROR|refused connection|unix:\/\/.*no such file/i.test(text);
}

function statusHint(preflight: Preflight): string {
  const status = preflight.supervisorStatus?.join(' ').trim();
  return status ? ` (supervisorctl says: ${status.slice(0, 200)})` : '';
}
