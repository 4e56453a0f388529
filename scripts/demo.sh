#!/usr/bin/env bash
# The demo: installs what is missing, brings the lab up (or repairs it; the first time it also builds the
# Debian guest image), installs the provider, deploys the reference lab (examples/seed-lab) with
# `cdktf deploy`: three Debian guests booted from a template with cloud-init; shows what runs where, and
# fetches web's page from this machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# No version checks or telemetry: the lab has no Internet, and a deploy must not wait for one.
export CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=true CDKTF_DISABLE_PLUGIN_CACHE_ENV=1
# A TF_CLI_CONFIG_FILE naming a missing file only makes every terraform run warn about it.
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -e "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi
virtplane() { node dist/lib/cli/main.js "$@"; }
started=$(date +%s)
step() { echo; echo "== $1 ($(( $(date +%s) - started )) s)"; }

step "1/6 set-up (only what is missing)"
bash scripts/setup.sh
step "2/6 lab: KVM hosts kvm1, kvm2 and an iSCSI storage host on this machine, and the guest image"
virtplane lab up
step "3/6 provider: registering virtplane/virtplane with Terraform"
virtplane provider install
step "4/6 deploy examples/seed-lab with cdktf: data center, cluster, hosts, storage, network, image, template, 3 booted guests"
# An earlier demo's lock file pins the launcher that demo installed; after an upgrade that changed the
# launcher its checksum fails terraform init, so the generated lock is made anew.
rm -f examples/seed-lab/cdktf.out/stacks/seed-lab/.terraform.lock.hcl
(cd examples/seed-lab && npx cdktf deploy --auto-approve --skip-provider-lock --outputs-file ../../.virtplane/seed-lab-outputs.json)
step "5/6 what runs where"
virtplane status --inventory .virtplane/inventory
step "6/6 web's page, fetched from this machine through the host web runs on"
# The guests sit on each host's NAT network: this machine reaches them through the host (its key pinned).
read -r key known web_ip web_host_address < <(node -e '
  const lab = require("./.virtplane/lab.json");
  const web = require("./.virtplane/seed-lab-outputs.json")["seed-lab"].vms.web;
  const host = lab.hosts.find((h) => h.name === web.host);
  console.log(lab.sshPrivateKeyFile, lab.knownHostsFile, web.address, host.address);
')
reach_web=(ssh -i "$key" -o UserKnownHostsFile="$known" -o BatchMode=yes "root@$web_host_address" curl -sf -m 5 "http://$web_ip/")
# The address comes with the DHCP lease; the page once cloud-init has run its last steps in the guest.
for attempt in $(seq 1 60); do
  if page=$("${reach_web[@]}"); then break; fi
  [ "$attempt" -eq 60 ] && { echo "web's page did not answer within 5 minutes" >&2; exit 1; }
  [ $(( attempt % 6 )) -eq 1 ] && echo "waiting for cloud-init on web to start its page ($(( (attempt - 1) * 5 )) s)"
  sleep 5
done
echo "\$ ${reach_web[*]}"
echo "$page"
echo
echo "log in:  ssh -i $key -o UserKnownHostsFile=$known -J root@$web_host_address lab@$web_ip"
echo "done in $(( $(date +%s) - started )) s. Next: cd examples/seed-lab && npx cdktf diff   (nothing to change)"
