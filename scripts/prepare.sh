#!/usr/bin/env bash
# What the demo and the benchmark need before they start, on a fresh machine:
# root (for the namespaces and apt-get), node_modules (Node 24 among them),
# the test hosts' Debian packages, and a bundle.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  echo "$1 builds throwaway hosts from Linux namespaces, which needs root: run it with sudo." >&2
  exit 1
fi
[ -x node_modules/.bin/node ] || npm ci --no-audit --no-fund
bash scripts/testhost/install-deps.sh
[ -f dist/index.js ] || npm run bundle
