/**
 * Where a VM's cloud-init seed lives, decided without a host: beside its first dir disk, else beside a
 * dir template, else on the export of its first nfs disk, else beside an nfs template; and the seed's disk as a domain carries it
 * (a read-only NFS network disk reads back as the seed, not as one of the VM's disks).
 */
import { describe, expect, it } from 'vitest';
import { buildDomainXml, parseDomainXml } from '../../../lib/backends/libvirt/index.js';
import { exportFileOf } from '../../../lib/backends/nfs/index.js';
import { DiagnosticError } from '../../../lib/framework/index.js';
import { seedSourceOf } from '../../../lib/resources/vm/cloudInit.js';
import { domainModelOf, isSeedDisk, seedDiskOf, vmStateFromDomain, type VmBuild } from '../../../lib/resources/vm/model.js';

const VM = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
const dir = { type: 'dir' as const, path: '/srv/vms/', nfsServer: null };
const nfs = { type: 'nfs' as const, path: '/virtplane', nfsServer: '10.0.0.2' };
const iscsi = { type: 'iscsi' as const, path: null, nfsServer: null };

describe('the cloud-init seed’s place', () => {
  it('is beside the first dir disk, even when an nfs disk comes first', () => {
    expect(seedSourceOf(VM, [{ domain: nfs }, { domain: dir }])).toEqual({ kind: 'file', path: `/srv/vms/${VM}.cidata.iso` });
  });

  it('is a file of the export of the first nfs disk when no disk is on a dir domain', () => {
    expect(seedSourceOf(VM, [{ domain: iscsi }, { domain: nfs }])).toEqual({ kind: 'nfs', host: '10.0.0.2', path: `/virtplane/${VM}.cidata.iso` });
  });

  it('stays beside a dir template, where it was before nfs domains had seeds, for a VM whose disks are on nfs', () => {
    expect(seedSourceOf(VM, [{ domain: nfs }], dir)).toEqual({ kind: 'file', path: `/srv/vms/${VM}.cidata.iso` });
  });

  it('is beside the template (dir or nfs) of a VM whose disks are LUNs', () => {
    expect(seedSourceOf(VM, [{ domain: iscsi }], nfs)).toEqual({ kind: 'nfs', host: '10.0.0.2', path: `/virtplane/${VM}.cidata.iso` });
    expect(seedSourceOf(VM, [{ domain: iscsi }], dir)).toEqual({ kind: 'file', path: `/srv/vms/${VM}.cidata.iso` });
  });

  it('is refused on cloud_init when there is none', () => {
    const refusal = (() => {
      try {
        seedSourceOf(VM, [{ domain: iscsi }], iscsi);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(DiagnosticError);
    expect(refusal).toMatchObject({ summary: 'No place for the cloud-init seed', path: ['cloud_init'] });
  });

  it('splits a network disk’s source back into its export and file, refusing a path that is no file name', () => {
    expect(exportFileOf('10.0.0.2', `/virtplane/${VM}.cidata.iso`)).toEqual({
      target: { server: '10.0.0.2', exportPath: '/virtplane' },
      name: `${VM}.cidata.iso`,
    });
    expect(exportFileOf('10.0.0.2', '/x.iso').target.exportPath).toBe('/');
    expect(() => exportFileOf('10.0.0.2', '/virtplane/')).toThrow(/not a file name/);
  });
});

describe('the seed on NFS in the domain XML', () => {
  it('is a read-only network disk that reads back as the seed, not as a disk of the VM', () => {
    const source = seedSourceOf(VM, [{ domain: nfs }]);
    const build: VmBuild = {
      id: VM,
      name: 'web',
      clusterId: '11111111-2222-4333-8444-555555555555',
      datacenterName: 'Default',
      virtType: 'qemu',
      vcpus: 1,
      memoryMib: 64,
      description: '',
      graphics: 'none',
      disks: [seedDiskOf(source)],
      interfaces: [],
      settings: { pinnedHostId: null, highAvailability: false, haPriority: 0, shutdownTimeoutSeconds: 0, disks: [], nics: [], workspaceToken: null },
    };
    const xml = buildDomainXml(domainModelOf(build));
    expect(xml).toMatch(/<disk type="network" device="disk">[\s\S]*<source protocol="nfs" name="\/virtplane\/[^"]+\.cidata\.iso">/);
    const parsed = parseDomainXml(xml).model;
    const seed = parsed.disks.find(isSeedDisk);
    expect(seed).toMatchObject({ source, readOnly: true });
    expect(vmStateFromDomain({ uuid: VM, model: parsed, state: 'shut off', settings: build.settings, hostId: 'h' }).disk).toEqual([]);
  });
});
