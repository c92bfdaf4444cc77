#!/usr/bin/env bash
# npm run bench: measures a deploy against a plain OpenSSH script on
# throwaway hosts and writes BENCHMARKS.md. BENCH_ITERATIONS sets the
# repeats (CI runs a short version). Needs root, like the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  echo "The benchmark builds throwaway hosts from Linux namespaces, which needs root." >&2
  exit 1
fi
[ -x node_modules/.bin/node ] || npm ci --no-audit --no-fund
bash scripts/testhost/install-deps.sh
[ -f dist/index.js ] || npm run bundle
exec node_modules/.bin/node scripts/bench.ts "$@"
