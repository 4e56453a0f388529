# The reference platform in plain HCL: data center "Default", one cluster, and every KVM host of the
# lab that `virtplane lab up` describes in .virtplane/lab.json. Storage, networks and VMs join it as
# their resources land.
terraform {
  required_providers {
    virtplane = {
      source  = "virtplane/virtplane"
      version = "0.1.0"
    }
  }
}

variable "lab_file" {
  description = "The lab description written by `virtplane lab up`."
  type        = string
  default     = "../../.virtplane/lab.json"
}

variable "inventory" {
  description = "The inventory: a folder for the embedded database, or a postgres:// URL."
  type        = string
  default     = "../../.virtplane/inventory"
}

locals {
  lab = jsondecode(file(var.lab_file))
}

provider "virtplane" {
  inventory            = var.inventory
  ssh_user             = local.lab.sshUser
  ssh_private_key_file = local.lab.sshPrivateKeyFile
}

resource "virtplane_datacenter" "default" {
  name        = "Default"
  description = "The lab's data center"
}

resource "virtplane_cluster" "main" {
  name              = "main"
  datacenter_id     = virtplane_datacenter.default.id
  scheduling_policy = "evenly_distributed"
}

resource "virtplane_host" "kvm" {
  for_each = { for host in local.lab.hosts : host.name => host }

  name       = each.value.name
  cluster_id = virtplane_cluster.main.id
  address    = each.value.address
  port       = each.value.port
  host_key   = each.value.hostKey
}

output "hosts" {
  description = "Each host with the facts virtplane read from it."
  value = {
    for name, host in virtplane_host.kvm : name => {
      address         = host.address
      cpus            = host.cpus
      memory_mib      = host.memory_mib
      kvm             = host.kvm
      libvirt_version = host.libvirt_version
    }
  }
}
