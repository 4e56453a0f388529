# The platform team's state (run as the inventory's administrator: the PostgreSQL role that owns it):
# data center "Default" with two clusters, main and apps, the lab's hosts when a lab file is given
# (the first in main, the others in apps), and who may do what:
#   - group "operators" (olivia): DataCenterAdmin on the data center;
#   - group "apps_team" (alice): UserVmManager on cluster apps only, and Auditor on the data center
#     (to read the inventory: look clusters up by name, see capacity).
# Each user is a PostgreSQL login; their own state (../team) connects with it.
#
#   terraform init
#   terraform apply -var inventory=postgres://admin:...@db/virtplane -var alice_password=... -var olivia_password=...
#   terraform apply ... -var grant_apps_team=false     # takes the team's role back: its next plan is refused
terraform {
  required_providers {
    virtplane = {
      source  = "virtplane/virtplane"
      version = "0.1.0"
    }
  }
}

variable "inventory" {
  description = "The shared inventory, as its administrator: a postgres:// URL."
  type        = string
}

variable "alice_password" {
  type      = string
  sensitive = true
}

variable "olivia_password" {
  type      = string
  sensitive = true
}

variable "lab_file" {
  description = "The lab written by `virtplane lab up`, for its hosts; empty: no hosts."
  type        = string
  default     = ""
}

variable "grant_apps_team" {
  description = "Whether apps_team holds UserVmManager on cluster apps."
  type        = bool
  default     = true
}

locals {
  lab   = var.lab_file == "" ? null : jsondecode(file(var.lab_file))
  hosts = local.lab == null ? {} : { for index, host in local.lab.hosts : host.name => merge(host, { cluster = index == 0 ? "main" : "apps" }) }
}

provider "virtplane" {
  inventory            = var.inventory
  ssh_private_key_file = local.lab == null ? null : local.lab.sshPrivateKeyFile
}

resource "virtplane_datacenter" "default" {
  name = "Default"
}

resource "virtplane_cluster" "main" {
  name          = "main"
  datacenter_id = virtplane_datacenter.default.id
}

resource "virtplane_cluster" "apps" {
  name          = "apps"
  datacenter_id = virtplane_datacenter.default.id
}

resource "virtplane_host" "lab" {
  for_each   = local.hosts
  name       = each.key
  cluster_id = each.value.cluster == "main" ? virtplane_cluster.main.id : virtplane_cluster.apps.id
  address    = each.value.address
  host_key   = each.value.hostKey
}

resource "virtplane_user" "alice" {
  name     = "alice"
  password = var.alice_password
}

resource "virtplane_user" "olivia" {
  name     = "olivia"
  password = var.olivia_password
}

resource "virtplane_group" "operators" {
  name       = "operators"
  member_ids = [virtplane_user.olivia.id]
}

resource "virtplane_group" "apps_team" {
  name       = "apps_team"
  member_ids = [virtplane_user.alice.id]
}

data "virtplane_role" "datacenter_admin" {
  name = "DataCenterAdmin"
}

data "virtplane_role" "user_vm_manager" {
  name = "UserVmManager"
}

data "virtplane_role" "auditor" {
  name = "Auditor"
}

resource "virtplane_permission" "operators" {
  group_id    = virtplane_group.operators.id
  role_id     = data.virtplane_role.datacenter_admin.id
  object_type = "datacenter"
  object_id   = virtplane_datacenter.default.id
}

resource "virtplane_permission" "apps_team_reads" {
  group_id    = virtplane_group.apps_team.id
  role_id     = data.virtplane_role.auditor.id
  object_type = "datacenter"
  object_id   = virtplane_datacenter.default.id
}

resource "virtplane_permission" "apps_team_vms" {
  count       = var.grant_apps_team ? 1 : 0
  group_id    = virtplane_group.apps_team.id
  role_id     = data.virtplane_role.user_vm_manager.id
  object_type = "cluster"
  object_id   = virtplane_cluster.apps.id
}
