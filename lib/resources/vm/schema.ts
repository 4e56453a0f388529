import {
  blockSchema,
  boolAttribute,
  errorDiagnostic,
  listAttribute,
  nestedBlock,
  numberAttribute,
  stringAttribute,
  type Diagnostic,
  type PlannedStateOf,
  type StateOf,
} from '../../framework/index.js';
import { idAttribute, NAME_HINT, NAME_PATTERN, referenceAttribute, UUID_PATTERN } from '../shared/index.js';

export const VM_RESOURCE_TYPE = 'virtplane_vm';
const GRAPHICS_TYPES = ['vnc', 'spice', 'none'] as const;
export const DISK_BUSES = ['virtio', 'scsi', 'sata', 'ide'] as const;
export const NIC_MODELS = ['virtio', 'e1000', 'e1000e', 'rtl8139'] as const;
export type VmGraphics = (typeof GRAPHICS_TYPES)[number];
export type VmDiskBus = (typeof DISK_BUSES)[number];
export type VmNicModel = (typeof NIC_MODELS)[number];

const UUID_PART = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const TEMPLATE_ID_PATTERN = `^${UUID_PART}/template/[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`;
/** A virtplane_disk id: a volume of a dir storage domain, or a LUN of an iscsi one (see diskLocation.ts). */
const DISK_ID_PATTERN = `^${UUID_PART}/([A-Za-z0-9][A-Za-z0-9._-]{0,62}\\.(qcow2|img)|lun/[0-9]{1,3})$`;

/** Unicast, locally administered or not: what libvirt accepts for a guest NIC. */
const MAC_PATTERN = '^[0-9a-f][02468ace](:[0-9a-f]{2}){5}$';

/**
 * Any text XML 1.0 carries byte for byte: no control characters but tab and newline (a carriage
 * return would come back as a newline), no U+FFFE/U+FFFF. Everything else, "<", "&", quotes, "$(...)"
 * included, is stored as written.
 */
const DESCRIPTION_PATTERN = '^[^\\u0000-\\u0008\\u000b-\\u001f\\ufffe\\uffff]*$';

const optionalUuid = (description: string) =>
  stringAttribute({
    description,
    optional: true,
    validation: { pattern: UUID_PATTERN, hint: 'The id of a virtplane object, e.g. virtplane_host.kvm1.id.' },
  });

const diskBlock = blockSchema({
  description: 'A disk of the VM, in boot and device order.',
  attributes: {
    disk_id: stringAttribute({
      description: 'The virtplane_disk to attach (its id: STORAGE_DOMAIN_ID/FILE or STORAGE_DOMAIN_ID/lun/N). Destroying the VM never deletes it.',
      required: true,
      validation: { pattern: DISK_ID_PATTERN, hint: 'The id of a virtplane_disk, e.g. virtplane_disk.data.id.' },
    }),
    bus: stringAttribute({
      description: 'virtio and scsi disks hot-plug on a running VM; sata and ide disks are added or removed with a graceful restart.',
      optional: true,
      default: 'virtio',
      validation: { enum: [...DISK_BUSES] },
    }),
    boot_order: numberAttribute({
      description: 'Boot priority (1 first). Unset on every device: the VM boots from its first disk.',
      optional: true,
      validation: { integer: true, minimum: 1, maximum: 64 },
    }),
    device: stringAttribute({
      description: "The device name in the guest's definition (vda, sdb, ...); it stays the same while the disk is attached.",
      computed: true,
    }),
  },
});

const nicBlock = blockSchema({
  description: 'A network interface of the VM.',
  attributes: {
    network_id: referenceAttribute('The virtplane_network the interface is plugged into.'),
    mac: stringAttribute({
      description: "The MAC address. Unset: virtplane derives one from the VM's id (52:54:00:...), known at plan time and kept for the life of the interface.",
      optional: true,
      computed: true,
      validation: { pattern: MAC_PATTERN, hint: 'A unicast MAC address in lowercase, e.g. 52:54:00:12:34:56.' },
    }),
    model: stringAttribute({
      description: 'The emulated NIC.',
      optional: true,
      default: 'virtio',
      validation: { enum: [...NIC_MODELS] },
    }),
  },
});

const cloudInitUserBlock = blockSchema({
  description: 'A user cloud-init creates in the guest (password login locked: SSH keys only).',
  attributes: {
    name: stringAttribute({
      description: 'The login name.',
      required: true,
      validation: { pattern: '^[a-z_][a-z0-9_-]{0,31}$', hint: 'A Linux user name: lowercase letters, digits, "_" or "-", up to 32 characters.' },
    }),
    ssh_authorized_keys: listAttribute('string', { description: 'Public keys (as in authorized_keys) that may log in as the user.', optional: true }),
    sudo: boolAttribute({ description: 'Passwordless sudo for the user.', optional: true, default: false }),
  },
});

const cloudInitFileBlock = blockSchema({
  description: 'A file cloud-init writes in the guest (owned by root).',
  attributes: {
    path: stringAttribute({ description: 'Absolute path in the guest.', required: true, validation: { pattern: '^/[^\\u0000]*$', hint: 'An absolute path.' } }),
    content: stringAttribute({ description: "The file's content (text).", required: true }),
    permissions: stringAttribute({
      description: 'Mode, in octal.',
      optional: true,
      default: '0644',
      validation: { pattern: '^0?[0-7]{3,4}$', hint: 'An octal mode such as "0644".' },
    }),
  },
});

const cloudInitBlock = blockSchema({
  description:
    "cloud-init's NoCloud seed for the guest (a small read-only disk labelled cidata, written by virtplane next to the VM's first disk, so it follows the VM to any host). cloud-init runs these steps once per instance: a change is written to the seed at once and runs at the guest's next boot, as a new instance (users, files, runcmd and hostname are applied again, and the guest makes new SSH host keys).",
  attributes: {
    hostname: stringAttribute({
      description: "The guest's hostname. Unset: the VM's name.",
      optional: true,
      validation: { pattern: '^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$', hint: 'A hostname label: letters, digits and "-".' },
    }),
    runcmd: listAttribute('string', { description: 'Commands run once, at the end of the first boot (each through sh).', optional: true }),
    user_data: stringAttribute({
      description: 'Raw user-data (a #cloud-config document, a script ...): used instead of what hostname, user, write_file and runcmd build.',
      optional: true,
      sensitive: true,
    }),
    network_config: stringAttribute({
      description: "cloud-init network-config (version 1 or 2, YAML or JSON). Unset: DHCP on the first NIC (the guest image's default).",
      optional: true,
    }),
  },
  blocks: {
    user: nestedBlock(cloudInitUserBlock, { nesting: 'list', maxItems: 32, description: 'Users to create.' }),
    write_file: nestedBlock(cloudInitFileBlock, { nesting: 'list', maxItems: 64, description: 'Files to write.' }),
  },
});

export const vmSchema = blockSchema({
  description:
    "A virtual machine (a libvirt domain) in a cluster. Placed by the cluster's scheduling policy unless host_id pins it; a new host_id live-migrates a running VM in place. Destroying it never deletes its disks.",
  attributes: {
    id: idAttribute(
      'The libvirt UUID. Known at plan time once cluster_id is (derived from the cluster and the name), so affinity groups can name a VM before it exists.',
    ),
    name: stringAttribute({
      description:
        "The VM's name (its libvirt domain name), unique in the cluster. Renaming a running VM restarts it gracefully (libvirt renames only stopped domains).",
      required: true,
      validation: { pattern: NAME_PATTERN, hint: `${NAME_HINT} Not only digits, and not a UUID.` },
    }),
    cluster_id: referenceAttribute('The cluster the VM runs in. A VM cannot change clusters: changing it replaces the VM (its disks stay).', {
      forceNew: true,
    }),
    vcpus: numberAttribute({
      description:
        'Virtual CPUs. More vCPUs are hot-plugged into a running VM up to max(4, the count it started with); fewer, or more than that, take a graceful restart.',
      optional: true,
      default: 1,
      validation: { integer: true, minimum: 1, maximum: 240 },
    }),
    memory_mib: numberAttribute({
      description:
        "Memory in MiB, counted against the host's capacity (with the cluster's overcommit). Less memory is applied to a running VM by the balloon; more takes a graceful restart. Unset: the template's, else 512.",
      optional: true,
      default: 512,
      validation: { integer: true, minimum: 16, maximum: 4194304 },
    }),
    template_id: stringAttribute({
      description:
        'The virtplane_template whose VM settings (vcpus, memory_mib, graphics, description) this VM inherits where it does not set them, when it is made: as in oVirt, a later change of the template does not reach the VM. Its disk comes from the template through a virtplane_disk with source_template_id.',
      optional: true,
      validation: { pattern: TEMPLATE_ID_PATTERN, hint: 'The id of a virtplane_template, e.g. virtplane_template.debian.id.' },
    }),
    host_id: optionalUuid(
      'Pins the VM to this host of the cluster. Changing it on a running VM is a live migration (a stopped VM is moved cold); unset, the scheduler places the VM and it stays where it runs. A host with pinned VMs cannot enter maintenance.',
    ),
    running: boolAttribute({
      description: 'Whether the VM runs. false stops it gracefully (shutdown_timeout_seconds, then power off).',
      optional: true,
      default: true,
    }),
    graphics: stringAttribute({
      description: 'The console: vnc, spice or none. Changing it on a running VM takes a graceful restart.',
      optional: true,
      default: 'vnc',
      validation: { enum: [...GRAPHICS_TYPES] },
    }),
    high_availability: boolAttribute({
      description:
        "Restarted on another host of the cluster by `virtplane engine` when its host stops answering and has been fenced (powered off through the host's power_management); never while fencing failed. Not libvirt autostart: a fenced host that comes back must not start a second copy (docs/ha.md).",
      optional: true,
      default: false,
    }),
    ha_priority: numberAttribute({
      description: 'Restart order of HA VMs after their host is fenced: higher first (0 to 100).',
      optional: true,
      default: 0,
      validation: { integer: true, minimum: 0, maximum: 100 },
    }),
    description: stringAttribute({
      description: "Free text, stored byte for byte in the domain's <description> (tabs and newlines allowed; other control characters are refused).",
      optional: true,
      default: '',
      validation: { maxLength: 4096, pattern: DESCRIPTION_PATTERN, hint: 'Control characters other than tab and newline cannot be stored exactly.' },
    }),
    shutdown_timeout_seconds: numberAttribute({
      description: 'How long a graceful stop or restart waits for the guest to power off (ACPI) before pulling the plug.',
      optional: true,
      default: 60,
      validation: { integer: true, minimum: 0, maximum: 3600 },
    }),
    revert_to_snapshot: stringAttribute({
      description:
        "The name of a virtplane_snapshot of this VM to revert its disks to. Setting it (or changing it to another name) reverts once, at that apply: a running VM is stopped gracefully, every write since the snapshot is discarded, and the VM starts again from the snapshot's disks; the plan warns which writes are lost. Only the VM's newest snapshot can be reverted to (delete the later ones first: a revert never deletes a snapshot). Keeping the same value, or removing it, does nothing.",
      optional: true,
      validation: {
        pattern: NAME_PATTERN,
        hint: "The name of one of the VM's snapshots (virtplane_snapshot name), as a literal: a reference would make a cycle.",
      },
    }),
    current_host_id: stringAttribute({
      description:
        "The host the VM is on. Known at plan time when pinned or already placed; for a new unpinned VM it is chosen at apply time by the scheduler, under the inventory's reservation.",
      computed: true,
    }),
    state: stringAttribute({ description: "libvirt's state of the domain: running, shut off, paused ...", computed: true }),
    macs: listAttribute('string', { description: 'The MAC addresses of the NICs, in nic order.', computed: true }),
    wait_for_ip: numberAttribute({
      description:
        "Seconds create waits for every NIC to have an IPv4 address (from the guest agent, else the network's DHCP leases), so outputs can use ip_addresses at once; 0: do not wait. A timeout is an error that says what was seen.",
      optional: true,
      default: 0,
      validation: { integer: true, minimum: 0, maximum: 3600 },
    }),
    ip_addresses: listAttribute('string', {
      description:
        'Each NIC\'s IPv4 address, in nic order ("" while unknown): what qemu-guest-agent in the guest reports, else the DHCP lease of the NIC\'s network. Read at create and refresh.',
      computed: true,
    }),
  },
  blocks: {
    cloud_init: nestedBlock(cloudInitBlock, { nesting: 'list', maxItems: 1, description: 'First-boot configuration of the guest by cloud-init.' }),
    disk: nestedBlock(diskBlock, { nesting: 'list', maxItems: 16, description: 'Disks, attached in this order.' }),
    nic: nestedBlock(nicBlock, { nesting: 'list', maxItems: 16, description: 'Network interfaces, in this order.' }),
  },
});

export type VmState = StateOf<typeof vmSchema>;
export type VmPlanned = PlannedStateOf<typeof vmSchema>;
export type VmDiskState = VmState['disk'][number];
export type VmNicState = VmState['nic'][number];
export type VmCloudInitState = VmState['cloud_init'][number];

const UUID_REGEX = new RegExp(UUID_PATTERN);

/** What the schema's constraints cannot say: virsh reads a bare number as a domain ID and a UUID as a UUID. */
export function validateVmConfig(config: VmPlanned): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const name = config.name;
  if (typeof name === 'string' && (/^\d+$/.test(name) || UUID_REGEX.test(name.toLowerCase()))) {
    diagnostics.push(
      errorDiagnostic('Invalid VM name', `"${name}" would be read by virsh as a domain ID or UUID. Use a name with at least one letter that is not a UUID.`, [
        'name',
      ]),
    );
  }
  const disks = Array.isArray(config.disk) ? config.disk : [];
  const seenDisks = new Map<string, number>();
  disks.forEach((disk, index) => {
    const id = typeof disk === 'object' && disk !== null && 'disk_id' in disk ? disk.disk_id : undefined;
    if (typeof id !== 'string') return;
    const first = seenDisks.get(id);
    if (first !== undefined)
      diagnostics.push(errorDiagnostic('Disk attached twice', `disk[${index}] attaches the same disk as disk[${first}].`, ['disk', index, 'disk_id']));
    else seenDisks.set(id, index);
  });
  const nics = Array.isArray(config.nic) ? config.nic : [];
  const seenMacs = new Map<string, number>();
  nics.forEach((nic, index) => {
    const mac = typeof nic === 'object' && nic !== null && 'mac' in nic ? nic.mac : undefined;
    if (typeof mac !== 'string') return;
    const first = seenMacs.get(mac);
    if (first !== undefined)
      diagnostics.push(errorDiagnostic('MAC address used twice', `nic[${index}] has the same MAC as nic[${first}].`, ['nic', index, 'mac']));
    else seenMacs.set(mac, index);
  });
  const orders = new Map<number, string>();
  const claim = (order: unknown, path: string, at: readonly (string | number)[]): void => {
    if (typeof order !== 'number') return;
    const holder = orders.get(order);
    if (holder !== undefined) diagnostics.push(errorDiagnostic('Boot order used twice', `${path} has boot_order ${order}, like ${holder}.`, at));
    else orders.set(order, path);
  };
  disks.forEach((disk, index) => {
    if (typeof disk === 'object' && disk !== null && 'boot_order' in disk) claim(disk.boot_order, `disk[${index}]`, ['disk', index, 'boot_order']);
  });
  return diagnostics;
}
