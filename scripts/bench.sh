#!/usr/bin/env bash
# npm run bench: measures a deploy against a plain OpenSSH script on
# throwaway hosts and writes BENCHMARKS.md. BENCH_ITERATIONS sets the
# repeats (CI runs a short version).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prepare.sh "The benchmark"
node_modules/.bin/node scripts/bench.ts "$@"
# The report's tables, aligned as the rest of the repository's Markdown.
node_modules/.bin/prettier --log-level warn --write "${BENCH_OUTPUT:-BENCHMARKS.md}"
