#!/usr/bin/env bash
# The demo: installs what is missing, brings the lab up (or repairs it) and shows its state.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
echo "== set-up"
bash scripts/setup.sh
echo "== lab"
node dist/lib/cli/main.js lab up
echo "== status"
node dist/lib/cli/main.js lab status
