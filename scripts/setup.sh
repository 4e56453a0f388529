#!/usr/bin/env bash
# Everything virtplane needs on this machine, installed only where missing: Debian packages, npm
# packages, the compiled JavaScript. Idempotent; needs root for the Debian packages.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v node >/dev/null 2>&1; then
  echo "Node.js 20 or later is needed and was not found on PATH" >&2
  exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Node.js 20 or later is needed (found $(node --version))" >&2
  exit 1
fi
bash scripts/install-packages.sh
# By content, not age: a git checkout or a new worktree (sharing node_modules) touches package-lock.json
# without changing it, and a needless npm ci empties node_modules under whatever else is running.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
installed_record=node_modules/.virtplane-installed-lock
if [ -L node_modules ]; then
  # A link to another checkout's packages (a worktree's): npm ci through it would empty the folder it points
  # to, under everything else that uses it. That checkout installs its own.
  npm_stale=0
  echo "npm packages: node_modules links to $(readlink node_modules), left alone"
elif [ -f "$installed_record" ]; then
  [ "$(cat "$installed_record")" = "$lock_hash" ] && npm_stale=0 || npm_stale=1
elif [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm_stale=1
else
  npm_stale=0
fi
if [ "$npm_stale" -eq 1 ]; then
  echo "npm packages: installing (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$installed_record"
elif [ ! -L node_modules ]; then
  echo "npm packages: up to date"
fi
# tsc, then the provider's one-file bundle that `virtplane provider install` points Terraform at.
npm run --silent build >/dev/null
echo "build: dist/ up to date"
# The lab's guest image: built once per machine (about 2-3 minutes from the Debian mirror), then only
# looked up. Tests and the demo boot real guests from it. A failed build does not stop the set-up: only the
# tests that boot a guest need it, and they say so.
if [ "$(id -u)" -ne 0 ]; then
  echo "guest image: not checked (building it needs root: run \`virtplane lab image\` as root)"
elif ! node dist/lib/cli/main.js lab image; then
  echo "guest image: the build FAILED (see above); tests that boot a guest will fail" >&2
fi
