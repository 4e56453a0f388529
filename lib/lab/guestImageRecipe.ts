import { createHash } from 'node:crypto';

/**
 * What the lab's guest image is made of: a small Debian 12 cloud image (cloud-init with a NoCloud
 * seed, sshd, the QEMU guest agent, the cloud kernel) on one unpartitioned ext4 disk booted by
 * extlinux. Everything that changes the image is in this recipe, and the image's cache name holds the
 * recipe's hash: change anything here (or the build steps, through GUEST_IMAGE_BUILD_VERSION) and the
 * next `virtplane lab image` builds a new one. See LAB-NOTES "Real guests" for why each piece is here.
 */

/** Bump when guestImage.ts builds differently from the same recipe (steps, their order, tools' flags). */
const GUEST_IMAGE_BUILD_VERSION = 2;

/** A file the build writes into the image's root, replacing what the packages installed there. */
export interface RecipeFile {
  /** Absolute path inside the guest. */
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

/**
 * Removes the entries of `dir` (relative to the image's root) whose names match `names` (a glob with
 * `*`; all when absent), keeping any file below them named one of keepFileNames.
 */
export interface StripRule {
  readonly dir: string;
  readonly names?: string;
  readonly keepFileNames?: readonly string[];
}

export interface GuestImageRecipe {
  /** The cache name's stem: `<name>-<hash>.qcow2`. */
  readonly name: string;
  readonly suite: string;
  readonly variant: 'minbase';
  /** Packages debootstrap installs beside the variant's own. */
  readonly packages: readonly string[];
  readonly files: readonly RecipeFile[];
  /** Systemd units enabled in the image (beyond those their packages enable). */
  readonly enableUnits: readonly string[];
  /** Systemd units masked in the image: what its packages start that a test guest never needs. */
  readonly maskUnits: readonly string[];
  /** The one locale generated into the image (cloud-init's locale step then has nothing to do at boot). */
  readonly locale: string;
  /** What is removed at the end: documentation, caches, per-machine identity. */
  readonly strip: readonly StripRule[];
  readonly diskSizeBytes: number;
  readonly filesystemLabel: string;
  readonly kernelCommandLine: string;
  readonly buildVersion: number;
}

const PACKAGES = [
  'systemd-sysv',
  'udev',
  'dbus',
  'cloud-init',
  // debootstrap's resolver misses the virtual package python3-cryptography needs; without it cloud-init
  // stays unconfigured.
  'python3-cffi-backend',
  'openssh-server',
  'sudo',
  'linux-image-cloud-amd64',
  'qemu-guest-agent',
  'ifupdown',
  'isc-dhcp-client',
  'iproute2',
  // cloud-init's locale step fails without it.
  'locales',
];

const FILES: readonly RecipeFile[] = [
  {
    path: '/etc/fstab',
    content: '# One unpartitioned ext4 disk: the first virtio disk is the root.\n/dev/vda / ext4 defaults,errors=remount-ro 0 1\n',
    mode: 0o644,
  },
  {
    path: '/etc/cloud/cloud.cfg.d/90-virtplane.cfg',
    content: [
      '# virtplane guest image: configured by a NoCloud seed (a disk labelled cidata), else by nothing.',
      'datasource_list: [ NoCloud, None ]',
      '# The hostname from the seed goes into /etc/hosts too (sudo resolves it).',
      'manage_etc_hosts: true',
      '# Host keys of current types only: making an RSA key alone takes 12 s of a boot under TCG.',
      'ssh_genkeytypes: [ ed25519, ecdsa ]',
      '# extlinux boots this image: there is no GRUB to configure.',
      'grub_dpkg:',
      '  enabled: false',
      '',
    ].join('\n'),
    mode: 0o644,
  },
  {
    // Each listed module is a Python import and a step of a boot that crawls under TCG. Kept: what the
    // seeds virtplane writes use (users, SSH keys, hostname and /etc/hosts, write_files, runcmd,
    // ssh_pwauth) and what a user's own user_data most likely asks of a test guest (bootcmd, growing the
    // root to a larger disk, mounts, timezone, packages, scripts, power_state). Gone: other clouds' and
    // tools' modules (snap, landscape, puppet, chef, ...), what this image already has (locale, apt
    // sources) and the key fingerprints on the console (the keys themselves stay: keys_to_console).
    path: '/etc/cloud/cloud.cfg.d/91-virtplane-modules.cfg',
    content: [
      '# virtplane test guest: the modules a NoCloud seed of virtplane (or a test user_data) can use.',
      'cloud_init_modules: [ seed_random, bootcmd, write_files, growpart, resizefs, mounts, set_hostname, update_hostname, update_etc_hosts, users_groups, ssh ]',
      'cloud_config_modules: [ set_passwords, timezone, runcmd ]',
      'cloud_final_modules: [ package_update_upgrade_install, write_files_deferred, scripts_vendor, scripts_per_once, scripts_per_boot, scripts_per_instance, scripts_user, keys_to_console, final_message, power_state_change ]',
      '# The host keys on the console (a test pins them from there before its first SSH), without their fingerprints.',
      'ssh_fp_console_blacklist: [ ssh-ed25519, ecdsa-sha2-nistp256 ]',
      '',
    ].join('\n'),
    mode: 0o644,
  },
  {
    // The initramfs only has to find a virtio disk with ext4 (built into the cloud kernel) on it:
    // MODULES=most put all storage drivers in (15 MB, read through the BIOS and unpacked at each boot).
    path: '/etc/initramfs-tools/conf.d/90-virtplane.conf',
    content: 'MODULES=list\n',
    mode: 0o644,
  },
  {
    path: '/etc/initramfs-tools/modules',
    content: '# The root disk: virtio-blk on PCI.\nvirtio_pci\nvirtio_blk\n',
    mode: 0o644,
  },
  {
    // cloud-init writes eth0's stanza (DHCP unless the seed says otherwise) into interfaces.d at first boot.
    path: '/etc/network/interfaces',
    content: 'source /etc/network/interfaces.d/*\n\nauto lo\niface lo inet loopback\n',
    mode: 0o644,
  },
  // debootstrap copies these from the build machine: the guest gets its own from cloud-init and DHCP.
  { path: '/etc/hostname', content: 'debian\n', mode: 0o644 },
  { path: '/etc/hosts', content: '127.0.0.1\tlocalhost\n127.0.1.1\tdebian\n::1\tlocalhost ip6-localhost ip6-loopback\n', mode: 0o644 },
  { path: '/etc/resolv.conf', content: '', mode: 0o644 },
  // Empty, not absent: systemd makes a new ID at first boot and keeps it there.
  { path: '/etc/machine-id', content: '', mode: 0o444 },
  { path: '/etc/locale.gen', content: 'en_US.UTF-8 UTF-8\n', mode: 0o644 },
  { path: '/etc/default/locale', content: 'LANG=en_US.UTF-8\n', mode: 0o644 },
  {
    // Packages installed later in the guest stay as small as the image's own.
    path: '/etc/dpkg/dpkg.cfg.d/90-virtplane-nodoc',
    content: [
      'path-exclude /usr/share/doc/*',
      'path-include /usr/share/doc/*/copyright',
      'path-exclude /usr/share/man/*',
      'path-exclude /usr/share/info/*',
      'path-exclude /usr/share/locale/*',
      'path-include /usr/share/locale/locale.alias',
      'path-exclude /usr/share/lintian/*',
      '',
    ].join('\n'),
    mode: 0o644,
  },
];

export const DEBIAN_12_RECIPE: GuestImageRecipe = {
  name: 'debian-12',
  suite: 'bookworm',
  variant: 'minbase',
  packages: PACKAGES,
  files: FILES,
  enableUnits: ['serial-getty@ttyS0.service'],
  // Timers that would wake a test guest for housekeeping it never needs (package lists, filesystem
  // scrubs and trims, backups of dpkg's database), the pstore collector, and a getty on a VGA console
  // the lab's guests do not have (graphics = "none").
  maskUnits: [
    'apt-daily.timer',
    'apt-daily-upgrade.timer',
    'dpkg-db-backup.timer',
    'e2scrub_all.timer',
    'e2scrub_reap.service',
    'fstrim.timer',
    'systemd-pstore.service',
    'getty@tty1.service',
  ],
  locale: 'en_US.UTF-8',
  strip: [
    { dir: 'usr/share/doc', keepFileNames: ['copyright'] },
    { dir: 'usr/share/man' },
    { dir: 'usr/share/info' },
    { dir: 'usr/share/locale', keepFileNames: ['locale.alias'] },
    { dir: 'usr/share/lintian' },
    // Package lists and downloaded packages; apt's own folders (partial/, the lock) stay.
    { dir: 'var/lib/apt/lists', names: '*_*' },
    { dir: 'var/cache/apt', names: '*.bin' },
    { dir: 'var/cache/apt/archives', names: '*.deb' },
    { dir: 'var/cache/debconf', names: '*-old' },
    { dir: 'var/lib/dpkg', names: '*-old' },
    { dir: 'var/log', names: '*.log' },
    { dir: 'var/log/apt', names: '*' },
    // Made again at first boot: cloud-init's ssh step makes the host keys, systemd the machine ID.
    { dir: 'etc/ssh', names: 'ssh_host_*' },
    { dir: 'var/lib/dbus', names: 'machine-id' },
  ],
  diskSizeBytes: 1024 * 1024 * 1024,
  filesystemLabel: 'root',
  // quiet: the boot messages crawl out of an emulated serial port. mitigations=off: under TCG every TLB
  // flush KPTI adds is emulated; booted here to a login prompt, 81-82 s with both against 131-133 s
  // without (two boots each, same load). A test guest of the lab, not an image to run workloads in.
  kernelCommandLine: 'root=/dev/vda rw console=ttyS0 net.ifnames=0 quiet mitigations=off',
  buildVersion: GUEST_IMAGE_BUILD_VERSION,
};

/** A short hash of everything in the recipe; the cache name carries it. */
export function recipeHash(recipe: GuestImageRecipe): string {
  return createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 12);
}

/** extlinux's configuration: boot the one kernel straight away, console on the serial port. */
export function syslinuxConfig(recipe: GuestImageRecipe, kernelVersion: string): string {
  return [
    'DEFAULT linux',
    'PROMPT 0',
    'TIMEOUT 0',
    'SERIAL 0 115200',
    'LABEL linux',
    `  LINUX /boot/vmlinuz-${kernelVersion}`,
    `  INITRD /boot/initrd.img-${kernelVersion}`,
    `  APPEND ${recipe.kernelCommandLine}`,
    '',
  ].join('\n');
}
