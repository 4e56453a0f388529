# The application team's state, beside the platform's (../platform): it connects to the same inventory
# as its own login (alice, UserVmManager on cluster apps through group apps_team), finds the cluster by
# name, and runs one VM there. The database decides what the login may change; the plan says it first:
#
#   terraform init
#   terraform plan -var inventory=postgres://alice:...@db/virtplane                 # cluster apps: planned
#   terraform plan -var inventory=postgres://alice:...@db/virtplane -var cluster=main
#     Error: Permission denied
#     alice lacks vm.create on cluster main: their roles are Auditor on data center Default (through
#     group apps_team), UserVmManager on cluster apps (through group apps_team). ...
#
# Hosts are reached over SSH with the team's own key (ssh_private_key_file): RBAC guards the shared
# inventory (who may create, move or delete what, placement, capacity), not a holder of a host's root key.
terraform {
  required_providers {
    virtplane = {
      source  = "virtplane/virtplane"
      version = "0.1.0"
    }
  }
}

variable "inventory" {
  description = "The shared inventory, as the team's login: a postgres:// URL."
  type        = string
}

variable "cluster" {
  description = "The platform's cluster the VM runs in."
  type        = string
  default     = "apps"
}

variable "ssh_private_key_file" {
  description = "The key the team's VMs' hosts accept; empty: none (plan only)."
  type        = string
  default     = ""
}

provider "virtplane" {
  inventory            = var.inventory
  ssh_private_key_file = var.ssh_private_key_file == "" ? null : var.ssh_private_key_file
}

data "virtplane_datacenter" "default" {
  name = "Default"
}

data "virtplane_cluster" "target" {
  name          = var.cluster
  datacenter_id = data.virtplane_datacenter.default.id
}

resource "virtplane_vm" "web" {
  name       = "web"
  cluster_id = data.virtplane_cluster.target.id
  memory_mib = 32
  graphics   = "none"
}
