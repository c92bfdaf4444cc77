#!/usr/bin/env bash
# Installs, when missing, the Debian packages that the throwaway test hosts
# run: OpenSSH, sudo, supervisor, Flask, nftables, iptables. Needs root.
set -euo pipefail
declare -A needs=(
  [/usr/sbin/sshd]=openssh-server [/usr/bin/ssh-keygen]=openssh-client [/usr/bin/sudo]=sudo
  [/usr/bin/supervisord]=supervisor [/usr/sbin/nft]=nftables [/usr/sbin/iptables]=iptables
  [/usr/bin/ss]=iproute2 [/usr/bin/nsenter]=util-linux [/usr/bin/openssl]=openssl [/usr/bin/flock]=util-linux
  [/usr/bin/pkill]=procps [/usr/bin/shellcheck]=shellcheck
)
missing=()
for path in "${!needs[@]}"; do [ -x "$path" ] || missing+=("${needs[$path]}"); done
/usr/bin/python3 -c 'import flask' 2>/dev/null || missing+=(python3-flask)
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "The test hosts need these Debian packages, and installing them needs root: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# policy-rc.d on such machines keeps the packages' own daemons from starting; the hosts start their own.
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
