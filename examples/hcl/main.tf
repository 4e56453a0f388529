# The reference lab in plain HCL, the same as examples/seed-lab (cdktf): data center "Default", one
# cluster, every KVM host of the lab that `virtplane lab up` describes in .virtplane/lab.json, an iSCSI
# target on the lab's storage host with a storage domain on it (a pool on every host), a NAT network
# (on every host), and three VMs whose disks are LUNs of the shared storage.
#
#   terraform init && terraform apply
#   terraform apply -var web_host=kvm2     # web migrates live
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

variable "name_prefix" {
  description = "Put before every name the machines see (VMs, pool, network, target), so two copies can share a lab."
  type        = string
  default     = "hcl-"
}

variable "web_host" {
  description = "The host the web VM is pinned to: changing it migrates the VM live."
  type        = string
  default     = "kvm1"
}

resource "virtplane_iscsi_target" "lab" {
  server_address  = local.lab.storage.address
  server_port     = local.lab.storage.port
  server_host_key = local.lab.storage.hostKey
  iqn             = "iqn.2025-01.dev.virtplane.lab:${var.name_prefix}san"
  # Restricted: besides this initiator, only the hosts of the storage domains on the target get in
  # (virtplane adds each host's initiator when the storage domain is created or a host joins).
  allowed_initiators = ["iqn.2025-01.dev.virtplane.lab:backup"]

  dynamic "lun" {
    for_each = [1, 2, 3]
    content {
      lun      = lun.value
      size_mib = 64
    }
  }
}

resource "virtplane_storage_domain" "san" {
  name            = "${var.name_prefix}san"
  datacenter_id   = virtplane_datacenter.default.id
  type            = "iscsi"
  iscsi_target_id = virtplane_iscsi_target.lab.id

  # Its pools live on the hosts, and its disks are reached through them.
  depends_on = [virtplane_host.kvm]
}

resource "virtplane_network" "lan" {
  name          = "${var.name_prefix}lan"
  datacenter_id = virtplane_datacenter.default.id
  mode          = "nat"
  cidr          = var.lan_cidr
}

locals {
  # The VMs and the LUN each one boots from; web is pinned, the others go where the scheduler puts them.
  vms = {
    web   = { lun = 1, host = var.web_host }
    db    = { lun = 2, host = null }
    cache = { lun = 3, host = null }
  }
}

resource "virtplane_disk" "system" {
  for_each = local.vms

  name              = "${var.name_prefix}${each.key}-system"
  storage_domain_id = virtplane_storage_domain.san.id
  lun               = each.value.lun
}

resource "virtplane_vm" "vm" {
  for_each = local.vms

  name       = "${var.name_prefix}${each.key}"
  cluster_id = virtplane_cluster.main.id
  host_id    = each.value.host == null ? null : virtplane_host.kvm[each.value.host].id
  vcpus      = 1
  memory_mib = 64
  graphics   = "none"
  # The lab's disks hold no operating system to answer ACPI: power off at once instead of waiting 60 s.
  shutdown_timeout_seconds = 0

  disk {
    disk_id    = virtplane_disk.system[each.key].id
    boot_order = 1
  }
  nic {
    network_id = virtplane_network.lan.id
  }

  # The scheduler places VMs on the cluster's hosts: they must exist first.
  depends_on = [virtplane_host.kvm]
}

output "storage" {
  description = "The storage domain, the hosts that carry its pool, and its disks."
  value = {
    portal = virtplane_iscsi_target.lab.portal
    domain = virtplane_storage_domain.san.name
    hosts  = virtplane_storage_domain.san.hosts
    disks  = { for disk in virtplane_disk.system : disk.name => { path = disk.path, size_mib = disk.size_mib } }
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

output "vms" {
  description = "Where each VM runs and its state."
  value = {
    for name, vm in virtplane_vm.vm : name => {
      host  = one([for host_name, host in virtplane_host.kvm : host_name if host.id == vm.current_host_id])
      state = vm.state
      macs  = vm.macs
    }
  }
}
