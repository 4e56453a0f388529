#!/usr/bin/env bash
# The demo: installs what is missing, brings the lab up (or repairs it), installs the provider, deploys
# the reference lab (examples/seed-lab) with `cdktf deploy`, and shows what runs where.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# No version checks or telemetry: the lab has no Internet, and a deploy must not wait for one.
export CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=true CDKTF_DISABLE_PLUGIN_CACHE_ENV=1
# A TF_CLI_CONFIG_FILE naming a missing file only makes every terraform run warn about it.
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -e "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi
virtplane() { node dist/lib/cli/main.js "$@"; }
started=$(date +%s)
step() { echo; echo "== $1 ($(( $(date +%s) - started )) s)"; }

step "1/5 set-up (only what is missing)"
bash scripts/setup.sh
step "2/5 lab: KVM hosts kvm1, kvm2 and an iSCSI storage host on this machine"
virtplane lab up
step "3/5 provider: registering virtplane/virtplane with Terraform"
virtplane provider install
step "4/5 deploy examples/seed-lab with cdktf: data center, cluster, hosts, iSCSI storage, NAT network, 3 VMs"
(cd examples/seed-lab && npx cdktf deploy --auto-approve --skip-provider-lock --outputs-file ../../.virtplane/seed-lab-outputs.json)
step "5/5 what runs where"
virtplane status --inventory .virtplane/inventory
echo
echo "done in $(( $(date +%s) - started )) s. Next: cd examples/seed-lab && npx cdktf diff   (nothing to change)"
