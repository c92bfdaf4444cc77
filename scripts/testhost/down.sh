#!/usr/bin/env bash
# Tears down a test host made by up.sh: stops its daemons by their pid files,
# kills every process left in its mount namespace (hosts may share a network,
# never a mount namespace), and removes its folder.
set -uo pipefail
dir=$1
[ -d "$dir" ] || exit 0
pid=$(cat "$dir/ns.pid" 2>/dev/null || true)
for file in supervisord.pid sshd.pid; do
  [ -s "$dir/$file" ] && kill "$(cat "$dir/$file")" 2>/dev/null
done
if [ -n "$pid" ] && [ -e "/proc/$pid/ns/mnt" ]; then
  mntns=$(readlink "/proc/$pid/ns/mnt")
  # A reused PID in the machine's own namespace must never lead to a sweep of it.
  [ "$mntns" = "$(readlink /proc/self/ns/mnt)" ] && mntns=none
  for proc in /proc/[0-9]*; do
    [ "$(readlink "$proc/ns/mnt" 2>/dev/null)" = "$mntns" ] && kill -9 "${proc#/proc/}" 2>/dev/null
  done
fi
rm -rf "$dir"
exit 0
