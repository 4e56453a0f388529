#!/usr/bin/env bash
# The demo: installs what is missing, brings the lab up (or repairs it), installs the provider, deploys
# examples/hcl with Terraform, and shows the result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CHECKPOINT_DISABLE=1
virtplane() { node dist/lib/cli/main.js "$@"; }
echo "== 1/5 set-up (only what is missing)"
bash scripts/setup.sh
echo "== 2/5 lab: KVM hosts and an iSCSI storage host on this machine"
virtplane lab up
echo "== 3/5 provider: registering virtplane/virtplane with Terraform"
virtplane provider install
echo "== 4/5 deploy examples/hcl with terraform"
terraform -chdir=examples/hcl init -input=false -no-color >/dev/null
terraform -chdir=examples/hcl apply -auto-approve -input=false -no-color
echo "== 5/5 what is running"
virtplane lab status
virtplane status --inventory .virtplane/inventory
