// The guest image's pure parts: the recipe hash (the cache key), the mirror read from apt's sources in
// both formats, and the NoCloud seed's files. The build and a boot are in guestImage.test.ts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { debianMirrorFor, parseDeb822Sources, parseOneLineSources, pickDebianMirror } from '../../lib/lab/debianMirror.js';
import { DEBIAN_12_RECIPE, recipeHash, syslinuxConfig } from '../../lib/lab/guestImageRecipe.js';
import { cloudConfigUserData, noCloudMetaData } from '../../lib/lab/noCloudSeed.js';

describe('guest image recipe', () => {
  it('hashes to the same key every time, and to another when anything in it changes', () => {
    const hash = recipeHash(DEBIAN_12_RECIPE);
    expect(hash).toMatch(/^[0-9a-f]{12}$/);
    expect(recipeHash({ ...DEBIAN_12_RECIPE })).toBe(hash);
    expect(recipeHash({ ...DEBIAN_12_RECIPE, packages: [...DEBIAN_12_RECIPE.packages, 'curl'] })).not.toBe(hash);
    expect(recipeHash({ ...DEBIAN_12_RECIPE, buildVersion: DEBIAN_12_RECIPE.buildVersion + 1 })).not.toBe(hash);
    const files = DEBIAN_12_RECIPE.files.map((file) => (file.path === '/etc/fstab' ? { ...file, content: `${file.content}# changed\n` } : file));
    expect(recipeHash({ ...DEBIAN_12_RECIPE, files })).not.toBe(hash);
  });

  it('has what LAB-NOTES says a working guest needs', () => {
    for (const name of [
      'cloud-init',
      'python3-cffi-backend',
      'openssh-server',
      'qemu-guest-agent',
      'linux-image-cloud-amd64',
      'locales',
      'ifupdown',
      'isc-dhcp-client',
      'sudo',
    ]) {
      expect(DEBIAN_12_RECIPE.packages).toContain(name);
    }
    const file = (path: string): string => DEBIAN_12_RECIPE.files.find((entry) => entry.path === path)?.content ?? '';
    expect(file('/etc/fstab')).toMatch(/^\/dev\/vda \/ ext4 /m);
    expect(file('/etc/cloud/cloud.cfg.d/90-virtplane.cfg')).toContain('datasource_list: [ NoCloud, None ]');
    expect(file('/etc/machine-id')).toBe('');
    const boot = syslinuxConfig(DEBIAN_12_RECIPE, '6.1.0-1-cloud-amd64');
    expect(boot).toContain('LINUX /boot/vmlinuz-6.1.0-1-cloud-amd64');
    expect(boot).toContain('INITRD /boot/initrd.img-6.1.0-1-cloud-amd64');
    expect(boot).toContain('APPEND root=/dev/vda rw console=ttyS0 net.ifnames=0');
  });

  it('keeps the cloud-init modules the seeds virtplane writes use, and masks nothing a guest needs to come up', () => {
    const file = (path: string): string => DEBIAN_12_RECIPE.files.find((entry) => entry.path === path)?.content ?? '';
    const modules = file('/etc/cloud/cloud.cfg.d/91-virtplane-modules.cfg');
    const listed = (stage: string): string[] =>
      (new RegExp(`^${stage}: \\[(.*)\\]$`, 'm').exec(modules)?.[1] ?? '')
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);
    // users (and their keys), hostname and /etc/hosts, write_files, ssh host keys: the first stage.
    expect(listed('cloud_init_modules')).toEqual(
      expect.arrayContaining(['write_files', 'set_hostname', 'update_hostname', 'update_etc_hosts', 'users_groups', 'ssh', 'growpart', 'resizefs']),
    );
    // ssh_pwauth, runcmd (written in the config stage, run by scripts_user in the final one).
    expect(listed('cloud_config_modules')).toEqual(expect.arrayContaining(['set_passwords', 'runcmd']));
    // keys_to_console: guestImage.test.ts pins the host keys from the console.
    expect(listed('cloud_final_modules')).toEqual(expect.arrayContaining(['scripts_user', 'scripts_per_boot', 'power_state_change', 'keys_to_console']));
    for (const needed of [
      'ssh.service',
      'cloud-init.service',
      'cloud-final.service',
      'qemu-guest-agent.service',
      'networking.service',
      'serial-getty@ttyS0.service',
    ]) {
      expect(DEBIAN_12_RECIPE.maskUnits).not.toContain(needed);
    }
    expect(file('/etc/initramfs-tools/conf.d/90-virtplane.conf')).toContain('MODULES=list');
    expect(file('/etc/initramfs-tools/modules').split('\n')).toEqual(expect.arrayContaining(['virtio_pci', 'virtio_blk']));
  });
});

describe('Debian mirror from apt sources', () => {
  const deb822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian/
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main

Types: deb-src
URIs: http://src.example/debian
Suites: bookworm
Components: main
`;

  it('reads deb822 stanzas and picks the main archive of the suite', () => {
    const sources = parseDeb822Sources(deb822);
    expect(sources.map((source) => source.uri)).toEqual(['http://mirror.example/debian/', 'http://mirror.example/debian-security']);
    expect(pickDebianMirror(sources, 'bookworm')).toBe('http://mirror.example/debian');
    expect(pickDebianMirror(sources, 'trixie')).toBeUndefined();
  });

  it('reads the one-line format with options and comments', () => {
    const sources = parseOneLineSources(
      '# deb http://old.example/debian bookworm main\ndeb [arch=amd64 signed-by=/k.gpg] http://one.example/debian bookworm main\ndeb-src http://src.example/debian bookworm main\n',
    );
    expect(sources).toEqual([{ uri: 'http://one.example/debian', suites: ['bookworm'], components: ['main'] }]);
  });

  const aptDir = mkdtempSync(join(tmpdir(), 'vp-apt-'));
  afterAll(() => rmSync(aptDir, { recursive: true, force: true }));

  it('reads sources.list.d/*.sources and skips files apt would skip', () => {
    mkdirSync(join(aptDir, 'sources.list.d'));
    writeFileSync(join(aptDir, 'sources.list.d', 'other.list.disabled'), 'deb http://disabled.example/debian bookworm main\n');
    writeFileSync(join(aptDir, 'sources.list.d', 'debian.sources'), deb822);
    expect(debianMirrorFor('bookworm', aptDir)).toBe('http://mirror.example/debian');
    expect(() => debianMirrorFor('trixie', aptDir)).toThrow(/No Debian mirror for "trixie"/);
  });
});

describe('NoCloud seed', () => {
  it('writes user-data that cloud-init reads as YAML (JSON after #cloud-config) and meta-data with the hostname', () => {
    const seed = {
      instanceId: 'i-1',
      hostname: 'guest-1',
      users: [{ name: 'lab', sshAuthorizedKeys: ['ssh-ed25519 AAAA test'], sudo: true }],
      writeFiles: [{ path: '/etc/note', content: 'a: "quoted" line\nsecond\n' }],
    };
    const userData = cloudConfigUserData(seed);
    expect(userData.startsWith('#cloud-config\n')).toBe(true);
    const parsed = JSON.parse(userData.slice('#cloud-config\n'.length)) as {
      hostname: string;
      users: { name: string; sudo: string; ssh_authorized_keys: string[] }[];
      write_files: { path: string; content: string; permissions: string }[];
    };
    expect(parsed.hostname).toBe('guest-1');
    expect(parsed.users[0]).toMatchObject({ name: 'lab', sudo: 'ALL=(ALL) NOPASSWD:ALL', ssh_authorized_keys: ['ssh-ed25519 AAAA test'] });
    expect(parsed.write_files[0]).toEqual({ path: '/etc/note', content: 'a: "quoted" line\nsecond\n', permissions: '0644', owner: 'root:root' });
    expect(JSON.parse(noCloudMetaData(seed))).toEqual({ 'instance-id': 'i-1', 'local-hostname': 'guest-1' });
  });
});
