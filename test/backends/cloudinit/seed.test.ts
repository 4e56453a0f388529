import { describe, expect, it } from 'vitest';
import { buildNoCloudSeed, cloudConfigUserData, instanceIdOf, noCloudMetaData, type CloudInitConfig } from '../../../lib/backends/cloudinit/index.js';

const NASTY = `a: b\n- c\n"q" 'r' {x: [1]} #not-a-comment $(touch /tmp/pwned) \`id\` \u00e9`;

const config: CloudInitConfig = {
  hostname: 'web',
  users: [{ name: 'tester', sshAuthorizedKeys: ['ssh-ed25519 AAAAkey tester@x'], sudo: true }],
  writeFiles: [{ path: '/etc/motd', content: NASTY, permissions: '0640' }],
  runcmd: [NASTY],
};

describe('the NoCloud seed', () => {
  it('writes user-data as #cloud-config JSON that reads back exactly, whatever the values hold', () => {
    const text = cloudConfigUserData(config);
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    const parsed = JSON.parse(text.slice('#cloud-config\n'.length)) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      hostname: 'web',
      users: ['default', { name: 'tester', ssh_authorized_keys: ['ssh-ed25519 AAAAkey tester@x'], sudo: 'ALL=(ALL) NOPASSWD:ALL', lock_passwd: true }],
      write_files: [{ path: '/etc/motd', content: NASTY, permissions: '0640' }],
      runcmd: [NASTY],
      ssh_pwauth: false,
    });
  });

  it('uses raw user_data as it is', () => {
    expect(cloudConfigUserData({ ...config, userData: '#!/bin/sh\necho hi\n' })).toBe('#!/bin/sh\necho hi\n');
  });

  it('gives a new instance-id exactly when what cloud-init runs once changes', () => {
    const id = instanceIdOf('vm-1', config);
    expect(instanceIdOf('vm-1', { ...config })).toBe(id);
    expect(instanceIdOf('vm-1', { ...config, hostname: 'other' })).not.toBe(id);
    expect(id.startsWith('vm-1-')).toBe(true);
    expect(JSON.parse(noCloudMetaData(id, 'web'))).toEqual({ 'instance-id': id, 'local-hostname': 'web' });
  });

  it('is an ISO 9660 volume labelled cidata', async () => {
    const iso = await buildNoCloudSeed('vm-1-x', config);
    // The primary volume descriptor at sector 16: "CD001", and the volume id at offset 40.
    expect(iso.subarray(16 * 2048 + 1, 16 * 2048 + 6).toString('ascii')).toBe('CD001');
    expect(iso.subarray(16 * 2048 + 40, 16 * 2048 + 46).toString('ascii')).toBe('cidata');
  });
});
