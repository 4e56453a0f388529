import { randomUUID } from 'node:crypto';
import type { Datacenter, Host, Inventory, InventoryRepositories, InventoryScope, StorageDomain, StorageDomainInput } from '../../inventory/index.js';
import {
  blockSchema,
  boolAttribute,
  defineResource,
  numberAttribute,
  DiagnosticError,
  errorDiagnostic,
  isUnknown,
  PartialApplyError,
  reasonOf,
  setAttribute,
  stringAttribute,
  unknown,
  type Diagnostic,
  type PlannedStateOf,
  type StateOf,
} from '../../framework/index.js';
import {
  adoptableRow,
  changeInventory,
  createOrAdoptRow,
  foreignObjectError,
  type HostRead,
  hostsOfDatacenter,
  hostsOfStorageDomain,
  idAttribute,
  isOwnedBy,
  LIBVIRT_NAME_HINT,
  NAME_PATTERN,
  onHost,
  onStorageServer,
  readHosts,
  referenceAttribute,
  removeFromInventory,
  type ServerAttributes,
  UUID_PATTERN,
  withDatacenterLock,
  findByIdOrDatacenterPath,
  goneOrUnknown,
  unknownToInventoryError,
} from '../shared/index.js';
import type { ProviderContext } from '../context/index.js';
import {
  changeTargetAcl,
  compareTargetChap,
  hostsNotAdmitted,
  parsePortal,
  parseTargetId,
  portalOf,
  readTarget,
  type TargetLocation,
} from '../iscsiTarget/index.js';
import { ensurePoolOn, poolModelFor, poolOnHost, removePoolsFrom, STORAGE_DOMAIN_TYPE } from './pools.js';
import { NFS_VERSIONS, nfsExportOf, reachesExport } from './nfs.js';
import { nfsUrl } from '../../backends/nfs/index.js';

const STORAGE_DOMAIN_TYPES = ['iscsi', 'dir', 'nfs'] as const;
const PATH_PATTERN = '^/[A-Za-z0-9._+@:/-]*$';

export const storageDomainSchema = blockSchema({
  description:
    "A storage domain of a data center: a libvirt pool of the same name on the hosts that reach it, either the LUNs of an iSCSI target (type iscsi, on every host of the data center, libvirt's user-space initiator: each host logs in with its own initiator name) or a directory (type dir): on one host (host_id, its own directory: the default) or, with shared = true, on every host (a directory they all see, NFS-mounted say). Type nfs is an NFS export (server, export) every host of the data center reaches in user space, without a mount and without a pool: its volumes are files on the export that QEMU and qemu-img open over NFS, and VMs using them migrate live. Hosts that join the data center get the shared ones; hosts that leave lose them. A VM runs only on a host that has all its disks. Removing it never deletes the LUNs, the directory or the export's files.",
  attributes: {
    id: idAttribute("The storage domain's id in the inventory."),
    name: stringAttribute({
      description: "The storage domain's name, unique in its data center; also its pool's name on each host (renamed in place).",
      required: true,
      validation: { pattern: NAME_PATTERN, hint: LIBVIRT_NAME_HINT },
    }),
    datacenter_id: referenceAttribute('The data center whose hosts carry the storage domain. Changing it replaces the storage domain.', { forceNew: true }),
    type: stringAttribute({
      description:
        'iscsi: the LUNs of an iSCSI target (iscsi_target_id, or portal and iqn); dir: a directory (path) on every host; nfs: an NFS export (server, export). Changing it replaces the storage domain.',
      required: true,
      forceNew: true,
      validation: { enum: [...STORAGE_DOMAIN_TYPES] },
    }),
    iscsi_target_id: stringAttribute({
      description:
        "iscsi: a virtplane_iscsi_target's id. virtplane then admits every host of the data center on the target (a target with allowed_initiators). Another target replaces the storage domain; a new SSH port or key of the same target does not.",
      optional: true,
    }),
    portal: stringAttribute({
      description:
        'iscsi: the target\'s portal "ADDRESS:PORT". Computed from iscsi_target_id, or set with iqn for a target virtplane does not manage (allow the hosts\' initiators, iqn.2025-01.dev.virtplane:host.<host id>, on it yourself). Changing it replaces the storage domain.',
      optional: true,
      computed: true,
      validation: { pattern: '^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9][A-Za-z0-9.-]*):\\d{1,5}$', hint: 'ADDRESS:PORT, e.g. "10.0.0.2:3260".' },
    }),
    iqn: stringAttribute({
      description: "iscsi: the target's name. Computed from iscsi_target_id, or set with portal. Changing it replaces the storage domain.",
      optional: true,
      computed: true,
      validation: { pattern: '^(iqn\\.|eui\\.|naa\\.)\\S+$', maxLength: 223, hint: 'An iSCSI name such as iqn.2025-01.com.example:storage1.' },
    }),
    path: stringAttribute({
      description:
        'dir: the directory of the pool on its host (or on every host when shared; created when missing, never deleted). Changing it replaces the storage domain.',
      optional: true,
      forceNew: true,
      validation: { pattern: PATH_PATTERN, maxLength: 1000, hint: 'An absolute path of letters, digits and . _ + @ : / -' },
    }),
    server: stringAttribute({
      description: "nfs: the NFS server's address (an IP address or a name the hosts resolve). Changing it replaces the storage domain.",
      optional: true,
      forceNew: true,
      validation: {
        pattern: '^(\\[[0-9A-Fa-f:.]+\\]|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]+|[A-Za-z0-9][A-Za-z0-9.-]*)$',
        maxLength: 253,
        hint: 'An address or host name, e.g. "10.0.0.2".',
      },
    }),
    export: stringAttribute({
      description:
        'nfs: the export\'s path on the server (what an NFSv3 client mounts, e.g. "/srv/vms"). The domain\'s volumes are files at its top; the export is never created nor deleted. Changing it replaces the storage domain.',
      optional: true,
      forceNew: true,
      validation: { pattern: PATH_PATTERN, maxLength: 1000, hint: 'An absolute path of letters, digits and . _ + @ : / -' },
    }),
    nfs_version: numberAttribute({
      description:
        "nfs: the NFS protocol version the hosts speak to the server: 3 (the default, and the only one for now: QEMU's libnfs driver, which opens the VMs' disks, speaks NFSv3). Changing it replaces the storage domain.",
      optional: true,
      computed: true,
      forceNew: true,
      validation: { integer: true, minimum: 3, maximum: 4 },
    }),
    shared: boolAttribute({
      description:
        "dir: true when path is a directory every host of the data center sees (an NFS mount, say): the pool is on every host, and VMs using its disks run on any host and migrate live. false (the default for dir): a directory of host_id alone: the volumes are that host's files, so VMs using them are placed on that host only, and a move elsewhere is refused at plan. iscsi: always true. Changing it replaces the storage domain (except on a storage domain last applied by a virtplane that did not know it).",
      optional: true,
      computed: true,
    }),
    host_id: stringAttribute({
      description:
        'dir with shared = false: the host (virtplane_host.NAME.id, a host of the data center) whose own directory holds the storage domain. Changing it replaces the storage domain (its files do not move).',
      optional: true,
      validation: { pattern: UUID_PATTERN, hint: 'The id of a virtplane_host, e.g. virtplane_host.kvm1.id.' },
    }),
    chap_username: stringAttribute({
      description: 'iscsi: the CHAP user the hosts log in as, when the target requires CHAP (its chap_username).',
      optional: true,
    }),
    chap_password: stringAttribute({
      description: "iscsi: the CHAP secret (the target's chap_password). It reaches each host in a private libvirt secret, over SSH stdin only.",
      optional: true,
      sensitive: true,
    }),
    hosts: setAttribute('string', {
      description:
        'The hosts of the data center whose pool is as configured and running (and admitted by the target), as last read. A host missing here makes the plan update the storage domain, which puts its pool back.',
      computed: true,
    }),
  },
});

type DomainState = StateOf<typeof storageDomainSchema>;
type DomainPlanned = PlannedStateOf<typeof storageDomainSchema>;

const TARGET_PATHS: ServerAttributes = {
  address: ['iscsi_target_id'],
  hostKey: ['iscsi_target_id'],
  iqn: ['iscsi_target_id'],
  chapUsername: ['chap_username'],
};

const isSet = (value: unknown): boolean => value !== null && !isUnknown(value);

export function validateStorageDomainConfig(config: DomainPlanned): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const { name, type, iscsi_target_id: targetId, portal, iqn, path, chap_username: user, chap_password: password } = config;
  if (typeof name === 'string' && (/^\d+$/.test(name) || new RegExp(UUID_PATTERN, 'i').test(name))) {
    diagnostics.push(
      errorDiagnostic('Invalid storage domain name', `"${name}" would be read by virsh as a pool's number or UUID. ${LIBVIRT_NAME_HINT}`, ['name']),
    );
  }
  if (typeof targetId === 'string' && parseTargetId(targetId) === undefined) {
    diagnostics.push(
      errorDiagnostic(
        'Invalid value for iscsi_target_id',
        `"${targetId}" is not a virtplane_iscsi_target id (ADDRESS:PORT/IQN[#KEY]). Use virtplane_iscsi_target.NAME.id.`,
        ['iscsi_target_id'],
      ),
    );
  }
  if (typeof portal === 'string' && parsePortal(portal) === undefined) {
    diagnostics.push(errorDiagnostic('Invalid value for portal', `"${portal}" is not ADDRESS:PORT.`, ['portal']));
  }
  if (
    typeof path === 'string' &&
    path
      .split('/')
      .slice(1)
      .some((segment) => segment === '' || segment === '.' || segment === '..') &&
    path !== '/'
  ) {
    diagnostics.push(
      errorDiagnostic('Invalid value for path', `"${path}" must be a normalized absolute path (no "//", "/./", "/../" nor trailing "/").`, ['path']),
    );
  }
  if (isSet(user) !== isSet(password) && !isUnknown(user) && !isUnknown(password)) {
    diagnostics.push(
      errorDiagnostic('Incomplete CHAP credentials', 'Set both chap_username and chap_password, or neither.', [
        isSet(user) ? 'chap_password' : 'chap_username',
      ]),
    );
  }
  const { shared, host_id: hostId } = config;
  if (type === 'nfs') diagnostics.push(...nfsConfigProblems(config));
  else {
    for (const attribute of ['server', 'export', 'nfs_version'] as const) {
      if (isSet(config[attribute]) && typeof type === 'string')
        diagnostics.push(
          errorDiagnostic(`${attribute} not used by a ${type} storage domain`, `Remove ${attribute}: it applies to type = "nfs" only.`, [attribute]),
        );
    }
  }
  if (type === 'dir') {
    if (path === null) diagnostics.push(errorDiagnostic('Missing path', 'A dir storage domain needs the directory of its pool: set path.', ['path']));
    if (shared !== true && !isUnknown(shared) && hostId === null)
      diagnostics.push(
        errorDiagnostic(
          'Missing host_id',
          "A dir storage domain is a host's own directory unless declared shared: set host_id = virtplane_host.NAME.id (the host whose directory holds its files; its VMs then run there), or shared = true when path is a directory every host of the data center sees (an NFS mount, say).",
          ['host_id'],
        ),
      );
    if (shared === true && isSet(hostId))
      diagnostics.push(
        errorDiagnostic(
          'host_id not used by a shared storage domain',
          'shared = true puts the pool on every host of the data center: remove host_id (or set shared = false to keep the domain on that host only).',
          ['host_id'],
        ),
      );
    for (const attribute of ['iscsi_target_id', 'portal', 'iqn', 'chap_username', 'chap_password'] as const) {
      if (isSet(config[attribute]))
        diagnostics.push(
          errorDiagnostic(`${attribute} not used by a dir storage domain`, `Remove ${attribute}: it applies to type = "iscsi" only.`, [attribute]),
        );
    }
  }
  if (type === 'iscsi') {
    if (isSet(path)) diagnostics.push(errorDiagnostic('path not used by an iscsi storage domain', 'Remove path: it applies to type = "dir" only.', ['path']));
    if (shared === false)
      diagnostics.push(
        errorDiagnostic('An iscsi storage domain is shared', 'Every host of the data center logs in to the target: remove shared (or set it to true).', [
          'shared',
        ]),
      );
    if (isSet(hostId))
      diagnostics.push(
        errorDiagnostic('host_id not used by an iscsi storage domain', 'Every host of the data center logs in to the target: remove host_id.', ['host_id']),
      );
    if (isSet(targetId) && (isSet(portal) || isSet(iqn))) {
      diagnostics.push(
        errorDiagnostic('Conflicting target', 'Set either iscsi_target_id (a virtplane target) or portal and iqn (another target), not both.', [
          isSet(portal) ? 'portal' : 'iqn',
        ]),
      );
    }
    if (targetId === null && !isUnknown(portal) && !isUnknown(iqn) && (portal === null || iqn === null)) {
      diagnostics.push(
        errorDiagnostic('Missing target', 'An iscsi storage domain needs iscsi_target_id, or portal and iqn.', [portal === null ? 'portal' : 'iqn']),
      );
    }
  }
  return diagnostics;
}

function nfsConfigProblems(config: DomainPlanned): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const { server, export: exportPath, nfs_version: version, shared, host_id: hostId } = config;
  if (server === null) diagnostics.push(errorDiagnostic('Missing server', "An nfs storage domain needs its NFS server's address: set server.", ['server']));
  if (exportPath === null)
    diagnostics.push(errorDiagnostic('Missing export', 'An nfs storage domain needs the path of its export on the server: set export.', ['export']));
  if (
    typeof exportPath === 'string' &&
    exportPath !== '/' &&
    exportPath
      .split('/')
      .slice(1)
      .some((segment) => segment === '' || segment === '.' || segment === '..')
  )
    diagnostics.push(
      errorDiagnostic('Invalid value for export', `"${exportPath}" must be a normalized absolute path (no "//", "/./", "/../" nor trailing "/").`, ['export']),
    );
  if (typeof version === 'number' && !(NFS_VERSIONS as readonly number[]).includes(version))
    diagnostics.push(
      errorDiagnostic(
        'NFS version not supported',
        `nfs_version ${version}: the hosts open an nfs domain's disks with QEMU's libnfs driver, which speaks NFSv${NFS_VERSIONS.join(', v')} only. Set nfs_version = 3 (an NFSv4 server almost always serves v3 too), or remove it.`,
        ['nfs_version'],
      ),
    );
  if (shared === false)
    diagnostics.push(
      errorDiagnostic('An nfs storage domain is shared', 'Every host of the data center reaches the export: remove shared (or set it to true).', ['shared']),
    );
  if (isSet(hostId))
    diagnostics.push(
      errorDiagnostic('host_id not used by an nfs storage domain', 'Every host of the data center reaches the export: remove host_id.', ['host_id']),
    );
  for (const attribute of ['path', 'iscsi_target_id', 'portal', 'iqn', 'chap_username', 'chap_password'] as const) {
    if (isSet(config[attribute]))
      diagnostics.push(
        errorDiagnostic(
          `${attribute} not used by an nfs storage domain`,
          `Remove ${attribute}: ${attribute === 'path' ? 'an nfs domain names its directory with server and export' : 'it applies to type = "iscsi" only'}.`,
          [attribute],
        ),
      );
  }
  return diagnostics;
}

function locationOfDomain(domain: Pick<StorageDomain, 'iscsiTargetId'>): TargetLocation | undefined {
  return domain.iscsiTargetId === null ? undefined : parseTargetId(domain.iscsiTargetId);
}

type DomainFields = Omit<StorageDomainInput, 'id' | 'datacenterId' | 'shared' | 'hostId'> & Pick<StorageDomain, 'shared' | 'hostId' | 'type'>;

/** The attributes that make a storage domain's inventory row. */
export type DomainRowAttributes = Pick<
  DomainState,
  'name' | 'type' | 'iscsi_target_id' | 'portal' | 'iqn' | 'path' | 'export' | 'server' | 'nfs_version' | 'shared' | 'host_id'
>;

/** The inventory row's fields from the resource's attributes (an apply, or `inventory rebuild` from a state). */
export function fieldsOf(state: DomainRowAttributes): DomainFields {
  return {
    name: state.name,
    type: state.type as StorageDomain['type'],
    iscsiTargetId: state.iscsi_target_id,
    portal: state.portal,
    iqn: state.iqn,
    path: state.type === 'nfs' ? state.export : state.path,
    nfsServer: state.type === 'nfs' ? state.server : null,
    nfsVersion: state.type === 'nfs' ? state.nfs_version : null,
    shared: state.type !== 'dir' || state.shared === true,
    hostId: state.type !== 'dir' || state.shared === true ? null : state.host_id,
  };
}

function stateOf(row: StorageDomain, credentials: Pick<DomainState, 'chap_username' | 'chap_password'>, hosts: readonly string[]): DomainState {
  return {
    id: row.id,
    name: row.name,
    datacenter_id: row.datacenterId,
    type: row.type,
    iscsi_target_id: row.iscsiTargetId,
    portal: row.portal,
    iqn: row.iqn,
    path: row.type === 'nfs' ? null : row.path,
    server: row.nfsServer,
    export: row.type === 'nfs' ? row.path : null,
    nfs_version: row.nfsVersion,
    shared: row.shared,
    host_id: row.hostId,
    chap_username: credentials.chap_username,
    chap_password: credentials.chap_password,
    hosts: [...hosts].sort(),
  };
}

interface Placement {
  readonly datacenter: Datacenter;
  /** Every host of the data center. */
  readonly hosts: Host[];
  /** The hosts that carry the domain's pool (all of them, or a local domain's one host). */
  readonly carriers: Host[];
}

async function placementOf(
  inventory: Inventory,
  datacenterId: string,
  domain: Pick<StorageDomain, 'shared' | 'hostId'> = { shared: true, hostId: null },
): Promise<Placement | undefined> {
  const datacenter = await inventory.datacenters.get(datacenterId);
  if (datacenter === undefined) return undefined;
  return {
    datacenter,
    hosts: await hostsOfDatacenter(inventory, datacenterId),
    carriers: await hostsOfStorageDomain(inventory, { datacenterId, ...domain }),
  };
}

/** A local domain's host must be a host of its data center (checked at plan when known, and at apply). */
function localHostProblem(placement: Placement, domain: Pick<StorageDomain, 'shared' | 'hostId'>, known: boolean): Diagnostic | undefined {
  if (domain.shared || domain.hostId === null || placement.carriers.length > 0) return undefined;
  if (!known) return undefined;
  return errorDiagnostic(
    'Host not in the data center',
    `host_id ${domain.hostId} is not a host of data center ${placement.datacenter.name}: a local storage domain lives on one of its hosts (${placement.hosts.map((host) => host.name).join(', ') || 'none yet'}). Use virtplane_host.NAME.id of one of them, and make the storage domain wait for it (depends_on).`,
    ['host_id'],
  );
}

/** oVirt's local data center: its storage is host-local dir domains only. */
function datacenterKindProblem(datacenter: Datacenter, domain: Pick<StorageDomain, 'type' | 'shared'>): Diagnostic | undefined {
  if (datacenter.storageType !== 'local' || (domain.type === 'dir' && !domain.shared)) return undefined;
  return errorDiagnostic(
    'Shared storage in a local data center',
    `Data center ${datacenter.name} has storage_type = "local": its storage domains are host-local directories (type = "dir", shared = false, host_id). Use such a domain, or set storage_type = "shared" on the data center.`,
    [domain.type === 'dir' ? 'shared' : 'type'],
  );
}

async function freshReads(provider: ProviderContext, hosts: readonly Host[], signal: AbortSignal): Promise<HostRead[]> {
  for (const host of hosts) provider.hostReads.forget(provider.endpointFor(host));
  return readHosts(provider, hosts, signal);
}

function refuseForeign(reads: readonly HostRead[], domain: StorageDomain, datacenter: Datacenter, chapUser: string | null): void {
  if (domain.type === 'nfs') return; // no pool on the hosts
  for (const { host, read } of reads) {
    const current = poolOnHost(read, domain.name, domain.id, poolModelFor(domain, datacenter, host.row.id, chapUser));
    if (current.presence === 'foreign') throw foreignObjectError('storage pool', domain.name, host.row.name, current.found?.model?.owner, ['name']);
  }
}

/**
 * Admits the data center's hosts on a virtplane target (when it is restricted), and checks the
 * domain's CHAP settings against the target's.
 */
async function admitHosts(provider: ProviderContext, domain: StorageDomain, hosts: readonly Host[], state: DomainState): Promise<void> {
  const location = locationOfDomain(domain);
  if (location === undefined) return;
  const result = await onStorageServer(location.address, TARGET_PATHS, () =>
    changeTargetAcl(provider, location, {
      admit: hosts.map((host) => host.id),
      release: [],
      chapPassword: state.chap_password,
      targetPath: ['iscsi_target_id'],
    }),
  );
  if (result.chapUsername !== undefined && result.chapUsername !== state.chap_username) {
    throw new DiagnosticError(
      'CHAP credentials needed',
      `Target ${location.iqn} requires CHAP user ${result.chapUsername}: set chap_username and chap_password to the target's (virtplane_iscsi_target chap_username and chap_password) so the hosts can log in.`,
      ['chap_username'],
    );
  }
  if (result.chapUsername === undefined && state.chap_username !== null) {
    throw new DiagnosticError('CHAP not enabled on the target', `Target ${location.iqn} does not use CHAP: remove chap_username and chap_password.`, [
      'chap_username',
    ]);
  }
}

/** Puts the pool on every host (in parallel); `done` tells which hosts have it when one fails. */
async function ensureEverywhere(reads: readonly HostRead[], domain: StorageDomain, datacenter: Datacenter, state: DomainState, done: string[]): Promise<void> {
  if (domain.type === 'nfs') return requireReachEverywhere(reads, domain, done);
  refuseForeign(reads, domain, datacenter, state.chap_username);
  await Promise.all(
    reads.map(async ({ host, read }) => {
      await onHost(host.row.name, `setting up storage pool ${domain.name}`, async () => {
        await removePoolsFrom(host, read, domain, domain.name);
        const model = poolModelFor(domain, datacenter, host.row.id, state.chap_username);
        await ensurePoolOn(host, model, poolOnHost(read, domain.name, domain.id, model), {
          chapPassword: state.chap_password,
          mustStart: true,
          namePath: ['name'],
        });
      });
      done.push(host.row.name);
    }),
  );
}

/** An nfs domain has nothing to set up on a host: each must reach the export, or the apply says which cannot. */
async function requireReachEverywhere(reads: readonly HostRead[], domain: StorageDomain, done: string[]): Promise<void> {
  const url = nfsUrl(nfsExportOf(domain));
  await Promise.all(
    reads.map(async ({ host }) => {
      const reached = await onHost(host.row.name, `reaching ${url}`, () => reachesExport(host, domain), ['export']);
      if (!reached)
        throw new DiagnosticError(
          `NFS export unreachable (${host.row.name})`,
          `${host.row.name} cannot mount ${url} over NFSv3 (in user space, as its QEMU will). Check that ${domain.nfsServer} exports ${domain.path} to ${host.row.address} read-write with root not squashed, and that rpcbind, mountd and nfsd answer over TCP.`,
          ['export'],
        );
      done.push(host.row.name);
    }),
  );
}

function forgetAll(provider: ProviderContext, reads: readonly HostRead[]): void {
  for (const { host } of reads) provider.hostReads.forget(host.endpoint);
}

/** The hosts whose pool is as configured and running, and that a restricted virtplane target admits. */
async function hostsInSync(
  provider: ProviderContext,
  reads: readonly HostRead[],
  domain: StorageDomain,
  datacenter: Datacenter,
  chapUser: string | null,
): Promise<string[]> {
  if (domain.type === 'nfs') {
    const reached = await Promise.all(
      reads.map(({ host }) => onHost(host.row.name, `reaching the export of ${domain.name}`, () => reachesExport(host, domain))),
    );
    return reads.filter((_, index) => reached[index]).map(({ host }) => host.row.name);
  }
  let inSync = reads.filter(
    ({ host, read }) => poolOnHost(read, domain.name, domain.id, poolModelFor(domain, datacenter, host.row.id, chapUser)).presence === 'in-sync',
  );
  const location = locationOfDomain(domain);
  if (location !== undefined && inSync.length > 0) {
    const found = await onStorageServer(location.address, TARGET_PATHS, () => readTarget(provider, location));
    const notAdmitted = new Set(
      found === undefined
        ? inSync.map(({ host }) => host.row.id)
        : hostsNotAdmitted(
            found.target,
            found.served,
            inSync.map(({ host }) => host.row.id),
          ),
    );
    inSync = inSync.filter(({ host }) => !notAdmitted.has(host.row.id));
  }
  return inSync.map(({ host }) => host.row.name);
}

/** The CHAP user the domain's pools log in as (undefined when no host has one of its pools). */
function chapUserOnHosts(reads: readonly HostRead[], domainId: string): string | null | undefined {
  for (const { read } of reads) {
    const pool = read.pools.find((candidate) => isOwnedBy(candidate.model?.owner, domainId));
    if (pool?.model?.type === 'iscsi-direct') return pool.model.auth?.username ?? null;
  }
  return undefined;
}

/**
 * The domain's CHAP settings against its virtplane target's, read from the storage server (the
 * password compared with the digest the server keeps): a domain with other credentials would rewrite
 * the target's secret when it admits its hosts, or its hosts could not log in. Nothing to compare when
 * the target does not exist yet or its server cannot be reached (the apply checks again).
 */
async function planChap(provider: ProviderContext, planned: DomainPlanned): Promise<Diagnostic[]> {
  const { iscsi_target_id: targetId, chap_username: user, chap_password: password } = planned;
  if (planned.type !== 'iscsi' || typeof targetId !== 'string' || isUnknown(user) || isUnknown(password)) return [];
  const location = parseTargetId(targetId);
  if (location === undefined) return [];
  const compared = await compareTargetChap(provider, location, { username: user, password }).catch(() => undefined);
  switch (compared?.outcome) {
    case 'no-chap':
      return [
        errorDiagnostic(
          'CHAP not enabled on the target',
          `Target ${location.iqn} does not use CHAP, so the hosts log in without it: remove chap_username and chap_password (or set them on the virtplane_iscsi_target first).`,
          ['chap_username'],
        ),
      ];
    case 'other-user':
      return [
        errorDiagnostic(
          user === null ? 'CHAP credentials needed' : "CHAP user differs from the target's",
          `Target ${location.iqn} requires CHAP user ${compared.username ?? ''}${user === null ? '' : `, not ${user}`}: set chap_username and chap_password to the target's (chap_username = virtplane_iscsi_target.NAME.chap_username, chap_password = virtplane_iscsi_target.NAME.chap_password).`,
          ['chap_username'],
        ),
      ];
    case 'other-password':
      return [
        errorDiagnostic(
          "CHAP password differs from the target's",
          `Target ${location.iqn} has another CHAP password for user ${compared.username ?? ''}. A storage domain never changes its target's secret: set chap_password to the target's (chap_password = virtplane_iscsi_target.NAME.chap_password). To change the password, change it on the target and here in the same apply.`,
          ['chap_password'],
        ),
      ];
    default:
      return [];
  }
}

/** Same target (server and name): only the SSH port or pinned key may differ. */
function sameTarget(a: string | null, b: unknown): boolean {
  if (a === null || typeof b !== 'string') return a === b;
  const left = parseTargetId(a);
  const right = parseTargetId(b);
  return left !== undefined && right !== undefined && left.address === right.address && left.iqn === right.iqn;
}

/**
 * Plan-time checks of where the domain lives: a local domain's host belongs to its data center, and a
 * local data center (storage_type = "local") takes host-local dir domains only. Objects not in the
 * inventory yet (created in the same apply) are checked by the apply.
 */
async function planPlacement(provider: ProviderContext, planned: DomainPlanned): Promise<Diagnostic[]> {
  if (typeof planned.datacenter_id !== 'string' || typeof planned.shared !== 'boolean' || isUnknown(planned.host_id)) return [];
  const domain = { type: planned.type as StorageDomain['type'], shared: planned.shared, hostId: planned.host_id ?? null };
  const placement = await provider.inventory.use((inventory) => placementOf(inventory, String(planned.datacenter_id), domain));
  if (placement === undefined) return [];
  const known = domain.hostId === null || (await provider.inventory.use((inventory) => inventory.hosts.get(domain.hostId ?? ''))) !== undefined;
  return [localHostProblem(placement, domain, known), datacenterKindProblem(placement.datacenter, domain)].filter(
    (diagnostic): diagnostic is Diagnostic => diagnostic !== undefined,
  );
}

export const storageDomainResource = defineResource<ProviderContext>()({
  typeName: STORAGE_DOMAIN_TYPE,
  description: storageDomainSchema.description,
  schema: storageDomainSchema,

  validate: ({ config }) => validateStorageDomainConfig(config),

  async plan({ provider, prior, planned, config }) {
    let next: DomainPlanned = planned;
    const targetId = planned.iscsi_target_id;
    if (typeof targetId === 'string') {
      const location = parseTargetId(targetId);
      if (location !== undefined) next = { ...next, portal: portalOf(location.address), iqn: location.iqn };
    } else if (isUnknown(targetId) && config.portal === null) {
      next = { ...next, portal: unknown, iqn: unknown };
    } else if (planned.type === 'dir' || planned.type === 'nfs') {
      next = { ...next, portal: null, iqn: null };
    }
    next = { ...next, nfs_version: planned.type === 'nfs' ? (config.nfs_version ?? prior?.nfs_version ?? 3) : null };
    // An iscsi or nfs domain is shared; a dir domain is its host's own unless declared shared.
    if (planned.type === 'iscsi' || planned.type === 'nfs') next = { ...next, shared: true };
    else if (config.shared === null) next = { ...next, shared: planned.type === 'dir' ? false : unknown };
    const placementDiagnostics = await planPlacement(provider, next);
    const chapChanged = prior !== null && (planned.chap_username !== prior.chap_username || planned.chap_password !== prior.chap_password);
    const chapDiagnostics = chapChanged ? [] : await planChap(provider, planned);
    const diagnostics = [...placementDiagnostics, ...chapDiagnostics];
    if (prior === null) return { planned: next, diagnostics };
    if (diagnostics.length > 0) return { planned: next, diagnostics };
    const requiresReplace: (readonly string[])[] = [];
    if (!isUnknown(targetId) && !sameTarget(prior.iscsi_target_id, targetId)) requiresReplace.push(['iscsi_target_id']);
    if (config.portal !== null && !isUnknown(next.portal) && next.portal !== prior.portal) requiresReplace.push(['portal']);
    if (config.iqn !== null && !isUnknown(next.iqn) && next.iqn !== prior.iqn) requiresReplace.push(['iqn']);
    // A state written before shared and host_id existed: they are declared in place (the pools follow).
    const declaredBefore = prior.shared !== null;
    if (declaredBefore && !isUnknown(next.shared) && next.shared !== prior.shared) requiresReplace.push(['shared']);
    if (declaredBefore && !isUnknown(next.host_id) && (next.host_id ?? null) !== (prior.host_id ?? null)) requiresReplace.push(['host_id']);
    const plannedHostId = next.host_id;
    if (isUnknown(planned.datacenter_id) || isUnknown(next.shared) || isUnknown(plannedHostId))
      return { planned: { ...next, hosts: unknown }, requiresReplace };
    const reconfigured =
      !declaredBefore ||
      (['name', 'iscsi_target_id', 'chap_username', 'chap_password'] as const).some((key) => isUnknown(planned[key]) || planned[key] !== prior[key]);
    const expected = await provider.inventory.use(async (inventory) =>
      (await hostsOfStorageDomain(inventory, { datacenterId: String(planned.datacenter_id), shared: next.shared === true, hostId: plannedHostId ?? null })).map(
        (host) => host.name,
      ),
    );
    const current = [...(prior.hosts ?? [])].sort();
    const drifted = expected.length !== current.length || expected.some((name, index) => name !== current[index]);
    return { planned: reconfigured || drifted ? { ...next, hosts: unknown } : next, requiresReplace };
  },

  async create({ provider, planned, signal }) {
    return withDatacenterLock(planned.datacenter_id, async () => {
      const fields = fieldsOf(planned);
      const placement = await provider.inventory.use((inventory) => placementOf(inventory, planned.datacenter_id, fields));
      if (placement === undefined)
        throw new DiagnosticError('Referenced object not found', `No data center ${planned.datacenter_id} in the inventory. Create it first.`, [
          'datacenter_id',
        ]);
      const problem = localHostProblem(placement, fields, true) ?? datacenterKindProblem(placement.datacenter, fields);
      if (problem !== undefined) throw new DiagnosticError(problem.summary, `${problem.detail} Nothing was created.`, problem.path);
      const creation = {
        resourceType: STORAGE_DOMAIN_TYPE,
        kind: 'storage domain',
        name: planned.name,
        where: `in data center ${JSON.stringify(placement.datacenter.name)}`,
        details: { ...planned, chap_password: undefined },
        references: { datacenter: ['datacenter_id'], host: ['host_id'] },
        find: (inventory: InventoryRepositories) => inventory.storageDomains.getByName(planned.datacenter_id, planned.name),
        create: (tx: InventoryScope, mark: string) =>
          tx.storageDomains.create({ id: draft.id, datacenterId: planned.datacenter_id, ...fields, createdByWorkspace: mark }),
        // Left by an interrupted apply of this workspace: the row brought to the plan, the hosts admitted
        // and the pools put on every host (the killed apply may have stopped before some of them).
        adopt: (tx: InventoryScope, existing: StorageDomain) => tx.storageDomains.update(existing.id, fields),
      };
      const leftover = await adoptableRow(provider, creation);
      const reads = await freshReads(provider, placement.carriers, signal);
      const draft: StorageDomain = {
        id: leftover?.id ?? randomUUID(),
        datacenterId: planned.datacenter_id,
        ...fields,
        createdByWorkspace: provider.workspaceToken,
        createdAt: new Date(),
        updatedAt: new Date(),
      } as StorageDomain;
      refuseForeign(reads, draft, placement.datacenter, planned.chap_username);
      // An export a host cannot reach: refused before anything is recorded.
      if (draft.type === 'nfs') await requireReachEverywhere(reads, draft, []);
      await admitHosts(provider, draft, placement.carriers, planned);
      const { row } = await createOrAdoptRow(provider, creation, { row: leftover });
      const done: string[] = [];
      try {
        await ensureEverywhere(reads, row, placement.datacenter, planned, done);
      } catch (error) {
        throw new PartialApplyError(
          `storage domain ${row.name} is in the inventory but not on every host yet: ${reasonOf(error, 'setting up its pools')}`,
          stateOf(row, planned, done),
          { cause: error },
        );
      } finally {
        forgetAll(provider, reads);
      }
      return stateOf(row, planned, done);
    });
  },

  async read({ provider, state, signal }) {
    const found = await provider.inventory.use(async (inventory) => {
      const row = await inventory.storageDomains.get(state.id!);
      return { row, placement: await placementOf(inventory, row?.datacenterId ?? state.datacenter_id, row ?? { shared: true, hostId: null }) };
    });
    if (found.placement === undefined) return null;
    const reads = await readHosts(provider, found.placement.carriers, signal);
    let row = found.row;
    if (row === undefined) {
      // The inventory lost the row but the hosts still carry the pool: a wrong or lost inventory (refresh
      // never writes; `virtplane inventory rebuild` registers it again).
      const carried = reads.some(({ read }) => read.pools.some((pool) => pool.model?.owner?.resourceId === state.id));
      if (!carried) return goneOrUnknown(provider.inventory, { resourceType: STORAGE_DOMAIN_TYPE, id: state.id!, name: state.name });
      throw unknownToInventoryError(provider.inventory, { resourceType: STORAGE_DOMAIN_TYPE, id: state.id!, name: state.name });
    }
    const chapUser = chapUserOnHosts(reads, row.id) ?? state.chap_username;
    const credentials = { chap_username: chapUser, chap_password: chapUser === state.chap_username ? state.chap_password : null };
    const read = stateOf(row, credentials, await hostsInSync(provider, reads, row, found.placement.datacenter, chapUser));
    // A state written by a virtplane before shared and host_id (it has a type, unlike an import's): the
    // configuration declares them, in place.
    const olderState = (state.shared === null || state.shared === undefined) && typeof state.type === 'string';
    return olderState ? { ...read, shared: null, host_id: null } : read;
  },

  async update({ provider, prior, planned, signal }) {
    return withDatacenterLock(planned.datacenter_id, async () => {
      const row = await changeInventory(provider.inventory, {
        resourceType: STORAGE_DOMAIN_TYPE,
        action: 'update',
        details: { ...planned, chap_password: undefined },
        references: { datacenter: ['datacenter_id'], host: ['host_id'] },
        apply: (tx) => tx.storageDomains.update(prior.id!, fieldsOf(planned)),
      });
      const placement = await provider.inventory.use((inventory) => placementOf(inventory, row.datacenterId, row));
      if (placement === undefined)
        throw new DiagnosticError('Referenced object not found', `No data center ${row.datacenterId} in the inventory.`, ['datacenter_id']);
      const reads = await freshReads(provider, placement.hosts, signal);
      const carrierIds = new Set(placement.carriers.map((host) => host.id));
      const carried = reads.filter(({ host }) => carrierIds.has(host.row.id));
      // Nothing to change on the hosts of an nfs domain: each must reach the export, or the apply says which cannot.
      if (row.type === 'nfs') {
        const done: string[] = [];
        try {
          await requireReachEverywhere(carried, row, done);
        } finally {
          forgetAll(provider, reads);
        }
        return stateOf(row, planned, done);
      }
      const done: string[] = [];
      try {
        // A domain that became local leaves the other hosts (its files stay where they are).
        await Promise.all(
          reads
            .filter(({ host }) => !carrierIds.has(host.row.id))
            .map(({ host, read }) =>
              onHost(host.row.name, `removing storage pool ${row.name}`, () => removePoolsFrom(host, read, { id: row.id, type: row.type })),
            ),
        );
        await admitHosts(provider, row, placement.carriers, planned);
        await ensureEverywhere(carried, row, placement.datacenter, planned, done);
      } catch (error) {
        throw new PartialApplyError(
          `storage domain ${row.name} is not updated on every host yet: ${reasonOf(error, 'updating its pools')}`,
          stateOf(row, planned, done),
          { cause: error },
        );
      } finally {
        forgetAll(provider, reads);
      }
      return stateOf(row, planned, done);
    });
  },

  async delete({ provider, prior, signal }) {
    await withDatacenterLock(prior.datacenter_id, async () => {
      const found = await provider.inventory.use(async (inventory) => {
        const placement = await placementOf(inventory, prior.datacenter_id);
        const row = await inventory.storageDomains.get(prior.id!);
        // Hosts another storage domain on the same target still needs stay admitted.
        const others = (await inventory.storageDomains.list()).filter(
          (domain) => domain.id !== prior.id && domain.type === 'iscsi' && domain.iqn === prior.iqn && domain.portal === prior.portal,
        );
        const keep = new Set<string>();
        for (const datacenterId of new Set(others.map((domain) => domain.datacenterId))) {
          for (const host of await hostsOfDatacenter(inventory, datacenterId)) keep.add(host.id);
        }
        return { placement, row, keep };
      });
      if (found.placement !== undefined) {
        const reads = await freshReads(provider, found.placement.hosts, signal);
        try {
          await Promise.all(
            reads.map(({ host, read }) =>
              onHost(host.row.name, `removing storage pool ${prior.name}`, () =>
                removePoolsFrom(host, read, { id: prior.id!, type: prior.type as StorageDomain['type'] }),
              ),
            ),
          );
        } finally {
          forgetAll(provider, reads);
        }
        const location = prior.iscsi_target_id === null ? undefined : parseTargetId(prior.iscsi_target_id);
        const release = found.placement.hosts.map((host) => host.id).filter((id) => !found.keep.has(id));
        if (location !== undefined && release.length > 0) {
          await onStorageServer(location.address, TARGET_PATHS, () =>
            changeTargetAcl(provider, location, { admit: [], release, chapPassword: prior.chap_password }).catch((error: unknown) => {
              // The target went first (or with it): nothing is left to clean on it.
              if (error instanceof DiagnosticError && error.summary === 'iSCSI target not found') return undefined;
              throw error;
            }),
          );
        }
      }
      await removeFromInventory(provider.inventory, STORAGE_DOMAIN_TYPE, { id: prior.id!, name: prior.name }, async (tx) => {
        if (await tx.storageDomains.get(prior.id!)) await tx.storageDomains.delete(prior.id!);
      });
    });
  },

  async import({ provider, id }) {
    const row = await provider.inventory.use((inventory) => findByIdOrDatacenterPath(inventory.datacenters, inventory.storageDomains, id));
    return row ? { id: row.id, datacenter_id: row.datacenterId } : null;
  },
});
