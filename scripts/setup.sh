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
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "npm packages: installing (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
else
  echo "npm packages: up to date"
fi
npx tsc -p tsconfig.json
echo "build: dist/ up to date"
