#!/usr/bin/env bash
# Benchmarks, each printing its figures beside a baseline measured in the same run. Needs the lab up
# for the rows that talk to hosts (`node dist/lib/cli/main.js lab up`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh >/dev/null
npx tsc -p test/provider/tsconfig.fixtures.json
export CHECKPOINT_DISABLE=1
echo "== inventory: a fresh process's embedded inventory, PGlite in the process vs the folder's inventory server (scripts/bench-inventory.mjs)"
node scripts/bench-inventory.mjs
echo "== inventory server: one start from the bundle vs the compiled modules vs vite-node (scripts/bench-inventory-server.mjs)"
node scripts/bench-inventory-server.mjs
echo "== provider: start and no-op plans (scripts/bench-provider.mjs)"
node scripts/bench-provider.mjs
echo "== SSH: connect and commands through the pool vs ssh2 as it comes (scripts/bench-ssh.ts)"
npx vite-node scripts/bench-ssh.ts
echo "== libvirt: one bulk read per host vs one call per domain (scripts/bench-bulk-read.ts)"
npx vite-node scripts/bench-bulk-read.ts
echo "== statistics: the collector's cost per host per sample, 20 and 200 VMs, against the bulk read alone (scripts/bench-collector.ts)"
npx vite-node scripts/bench-collector.ts
echo "== scheduler: placement on a large synthetic cluster (scripts/bench-scheduler.mjs)"
node scripts/bench-scheduler.mjs
echo "== VMs: 20 VMs through terraform vs virsh over SSH (scripts/bench-vm.mjs)"
node scripts/bench-vm.mjs
echo "== plans: the reference platform + 10 VMs vs the fixture provider; 200 vs 20 stopped VMs (scripts/bench-plan.mjs; the issue's 4 hosts: lab up --hosts 4)"
node scripts/bench-plan.mjs
echo "== real guests: template to SSH-ready through terraform vs by hand; thin clones small vs large; the lab image beside the previous recipe's (scripts/bench-guest.mjs)"
node scripts/bench-guest.mjs --baseline-image auto
