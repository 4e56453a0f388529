# The reference platform in plain HCL: data center "Default", one cluster, every KVM host of the lab
# that `virtplane lab up` describes in .virtplane/lab.json, an iSCSI target on the lab's storage host
# with a storage domain on it (a pool on every host), a NAT network (on every host) and two disks.
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

variable "lan_cidr" {
  description = "The subnet of the lab's NAT network."
  type        = string
  default     = "10.200.0.0/24"
}

resource "virtplane_iscsi_target" "lab" {
  server_address  = local.lab.storage.address
  server_port     = local.lab.storage.port
  server_host_key = local.lab.storage.hostKey
  iqn             = "iqn.2025-01.dev.virtplane.lab:san"
  # Restricted: besides this initiator, only the hosts of the storage domains on the target get in
  # (virtplane adds each host's initiator when the storage domain is created or a host joins).
  allowed_initiators = ["iqn.2025-01.dev.virtplane.lab:backup"]

  lun {
    lun      = 1
    size_mib = 64
  }
  lun {
    lun      = 2
    size_mib = 32
  }
}

resource "virtplane_storage_domain" "san" {
  name            = "lab-san"
  datacenter_id   = virtplane_datacenter.default.id
  type            = "iscsi"
  iscsi_target_id = virtplane_iscsi_target.lab.id

  # Its pools live on the hosts, and its disks are reached through them.
  depends_on = [virtplane_host.kvm]
}

resource "virtplane_network" "lan" {
  name          = "lab-lan"
  datacenter_id = virtplane_datacenter.default.id
  mode          = "nat"
  cidr          = var.lan_cidr
}

resource "virtplane_disk" "system" {
  name              = "system"
  storage_domain_id = virtplane_storage_domain.san.id
  lun               = 1
}

resource "virtplane_disk" "data" {
  name                = "data"
  storage_domain_id   = virtplane_storage_domain.san.id
  lun                 = 2
  deletion_protection = false
}

output "storage" {
  description = "The storage domain, the hosts that carry its pool, and its disks."
  value = {
    portal = virtplane_iscsi_target.lab.portal
    domain = virtplane_storage_domain.san.name
    hosts  = virtplane_storage_domain.san.hosts
    disks  = { for disk in [virtplane_disk.system, virtplane_disk.data] : disk.name => { path = disk.path, size_mib = disk.size_mib } }
  }
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
