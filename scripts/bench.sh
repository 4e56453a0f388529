#!/usr/bin/env bash
# Benchmarks, each printing its figures beside a baseline measured in the same run. Needs the lab up
# for the rows that talk to hosts (`node dist/lib/cli/main.js lab up`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh >/dev/null
npx tsc -p test/provider/tsconfig.fixtures.json
export CHECKPOINT_DISABLE=1
echo "== provider (scripts/bench-provider.mjs)"
node scripts/bench-provider.mjs "$@"
