#!/usr/bin/env bash
# npm run bench: measures a deploy against a plain OpenSSH script on
# throwaway hosts and writes BENCHMARKS.md. BENCH_ITERATIONS sets the
# repeats (CI runs a short version).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prepare.sh "The benchmark"
exec node_modules/.bin/node scripts/bench.ts "$@"
