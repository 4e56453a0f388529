# The reference lab in plain HCL, the same as examples/seed-lab (cdktf): data center "Default", one
# cluster, every KVM host of the lab that `virtplane lab up` describes in .virtplane/lab.json, an iSCSI
# target on the lab's storage host with a storage domain on it (a pool on every host), a dir storage
# domain for images, a NAT network (on every host), the lab's Debian 12 cloud image, a template from
# it, and three VMs booted from the template: each on its own copy of the template's disk on a LUN of
# the shared storage, with a user "lab" (the lab's SSH key) from cloud-init; web serves a page on port 80.
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

  # Each guest's disk is the whole template (1 GiB) written onto a LUN (sparse on the storage host).
  dynamic "lun" {
    for_each = [1, 2, 3]
    content {
      lun      = lun.value
      size_mib = 1024
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

# Images, templates and the guests' cloud-init seeds live in a directory all hosts share (the lab's
# stand-in for an NFS export mounted on every host).
resource "virtplane_storage_domain" "images" {
  name          = "${var.name_prefix}images"
  datacenter_id = virtplane_datacenter.default.id
  type          = "dir"
  path          = "${local.lab.sharedDirectory}/${var.name_prefix}images"
  # A directory every host sees at that path (the lab's stand-in for an NFS mount): VMs using it run and
  # migrate anywhere. Without shared = true a dir domain is one host's own directory (host_id).
  shared = true

  depends_on = [virtplane_host.kvm]
}

resource "virtplane_image" "debian" {
  name              = "debian-12"
  storage_domain_id = virtplane_storage_domain.images.id
  source            = local.lab.guestImage.path
  sha256            = local.lab.guestImage.sha256
}

resource "virtplane_template" "debian" {
  name          = "debian-12"
  datacenter_id = virtplane_datacenter.default.id
  image_id      = virtplane_image.debian.id
  vcpus         = 1
  memory_mib    = 384
  graphics      = "none"
  description   = "Debian 12 with cloud-init and the guest agent"
}

resource "virtplane_network" "lan" {
  name          = "${var.name_prefix}lan"
  datacenter_id = virtplane_datacenter.default.id
  mode          = "nat"
  cidr          = var.lan_cidr
}

variable "guests" {
  description = "Which of the reference lab's VMs to deploy (web, db, cache): fewer boot faster on a small machine."
  type        = set(string)
  default     = ["web", "db", "cache"]

  validation {
    condition     = length(setsubtract(var.guests, ["web", "db", "cache"])) == 0
    error_message = "The reference lab's VMs are web, db and cache."
  }
}

locals {
  # The VMs and the LUN each one boots from; web is pinned, the others go where the scheduler puts them.
  all_vms = {
    web   = { lun = 1, host = var.web_host }
    db    = { lun = 2, host = null }
    cache = { lun = 3, host = null }
  }
  vms = { for name, vm in local.all_vms : name => vm if contains(var.guests, name) }
}

resource "virtplane_disk" "system" {
  for_each = local.vms

  name               = "${var.name_prefix}${each.key}-system"
  storage_domain_id  = virtplane_storage_domain.san.id
  lun                = each.value.lun
  source_template_id = virtplane_template.debian.id
}

resource "virtplane_vm" "vm" {
  for_each = local.vms

  name        = "${var.name_prefix}${each.key}"
  cluster_id  = virtplane_cluster.main.id
  host_id     = each.value.host == null ? null : virtplane_host.kvm[each.value.host].id
  template_id = virtplane_template.debian.id
  # Outputs show each guest's address as soon as the apply ends.
  wait_for_ip = 600

  disk {
    disk_id    = virtplane_disk.system[each.key].id
    boot_order = 1
  }
  nic {
    network_id = virtplane_network.lan.id
  }
  cloud_init {
    hostname = each.key
    user {
      name                = "lab"
      ssh_authorized_keys = [trimspace(file("${local.lab.sshPrivateKeyFile}.pub"))]
      sudo                = true
    }
    dynamic "write_file" {
      for_each = each.key == "web" ? local.web_files : {}
      content {
        path    = write_file.key
        content = write_file.value
      }
    }
    runcmd = each.key == "web" ? ["systemctl daemon-reload", "systemctl enable --now web.service"] : []
  }

  # The scheduler places VMs on the cluster's hosts: they must exist first.
  depends_on = [virtplane_host.kvm]
}

locals {
  # web's page, and the unit that serves it (python3 is in every cloud-init guest).
  web_files = {
    "/srv/www/index.html"             = "<h1>web</h1><p>A Debian guest of the virtplane lab, deployed from a template with cloud-init.</p>\n"
    "/etc/systemd/system/web.service" = <<-UNIT
      [Unit]
      Description=The lab's web page
      After=network-online.target

      [Service]
      ExecStart=/usr/bin/python3 -m http.server 80 --directory /srv/www

      [Install]
      WantedBy=multi-user.target
    UNIT
  }
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
  description = "Where each VM runs, its state and its address."
  value = {
    for name, vm in virtplane_vm.vm : name => {
      host    = one([for host_name, host in virtplane_host.kvm : host_name if host.id == vm.current_host_id])
      state   = vm.state
      macs    = vm.macs
      address = try(vm.ip_addresses[0], "")
    }
  }
}
