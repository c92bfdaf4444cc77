#!/usr/bin/env bash
# Validates action.yml and every workflow file against GitHub's schemas with
# action-validator. Its schema predates `runs.using: node24`, so action.yml is
# checked with that one value read as node20; a unit test pins node24 itself.
set -euo pipefail
cd "$(dirname "$0")/.."
validator=node_modules/.bin/action-validator
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed 's/^\(  using: \)node24$/\1node20/' action.yml >"$tmp/action.yml"
"$validator" "$tmp/action.yml"
echo "action.yml: valid"
for file in .github/workflows/*.yml examples/workflows/*.yml; do
  "$validator" "$file"
  echo "$file: valid"
done
