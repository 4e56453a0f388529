import { randomUUID } from 'node:crypto';
import type { Datacenter, Host, Inventory, InventoryRepositories, InventoryScope, Network, NetworkMode } from '../../inventory/index.js';
import {
  blockSchema,
  defineResource,
  DiagnosticError,
  errorDiagnostic,
  isUnknown,
  numberAttribute,
  PartialApplyError,
  reasonOf,
  diagnosticsFromError,
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
  idAttribute,
  LIBVIRT_NAME_HINT,
  NAME_PATTERN,
  onHost,
  readHosts,
  referenceAttribute,
  removeFromInventory,
  UUID_PATTERN,
  withDatacenterLock,
  withInventoryDiagnostics,
  findByIdOrDatacenterPath,
  goneOrUnknown,
  unknownToInventoryError,
} from '../shared/index.js';
import { cidrProblem } from './addressing.js';
import { noteReplacement, planNetworkChecks } from './planChecks.js';
import { ensureNetworkOn, NETWORK_TYPE, networkModelFor, networkOnHost, removeNetworksFrom } from './onHosts.js';
import type { ProviderContext } from '../context/index.js';

const NETWORK_MODES = ['nat', 'isolated', 'bridge'] as const;

/** A name libvirt takes for a network and virsh cannot misread (a number would be taken for an id). */

export const networkSchema = blockSchema({
  description:
    'A logical network of a data center: a libvirt network of the same name on every host of the data center, NATed or isolated on its own subnet, or bridged onto an existing host bridge. Hosts that join the data center get it; hosts that leave lose it.',
  attributes: {
    id: idAttribute("The network's id in the inventory."),
    name: stringAttribute({
      description:
        "The network's name, unique in its data center; also the libvirt network's name on each host. libvirt cannot rename a network: changing it replaces the network.",
      required: true,
      forceNew: true,
      validation: { pattern: NAME_PATTERN, hint: LIBVIRT_NAME_HINT },
    }),
    datacenter_id: referenceAttribute('The data center whose hosts carry the network. Changing it replaces the network.', { forceNew: true }),
    mode: stringAttribute({
      description:
        'nat: guests reach outside through the host (NAT), on the subnet `cidr`; isolated: guests reach each other and the host only; bridge: guests plug into the existing host bridge `bridge`. Changing it replaces the network.',
      optional: true,
      default: 'nat',
      forceNew: true,
      validation: { enum: [...NETWORK_MODES] },
    }),
    cidr: stringAttribute({
      description:
        'The IPv4 subnet of a nat or isolated network, e.g. "10.20.0.0/24": each host takes the first address (the guests\' gateway) and hands out the others by DHCP. Required for nat; not used in bridge mode. Changing it restarts the network on every host.',
      optional: true,
      validation: { pattern: '^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}/\\d{1,2}$', hint: 'An IPv4 subnet such as "10.20.0.0/24".' },
    }),
    bridge: stringAttribute({
      description:
        'bridge mode: the host bridge guests join (it must exist on every host). nat and isolated: the name of the bridge libvirt creates; unset, libvirt picks one (virbrN).',
      optional: true,
      validation: { pattern: '^[A-Za-z0-9_.:-]{1,15}$', hint: 'A Linux interface name: 1 to 15 letters, digits, "_", ".", ":" or "-".' },
    }),
    vlan_id: numberAttribute({
      description:
        "An 802.1Q tag for guests' traffic. libvirt tags only on Open vSwitch bridges: bridge mode only, and `bridge` must be an Open vSwitch bridge.",
      optional: true,
      validation: { integer: true, minimum: 1, maximum: 4094 },
    }),
    mtu: numberAttribute({
      description: 'The MTU of the bridge libvirt creates (nat, isolated). In bridge mode the host bridge has its own MTU: libvirt refuses one here.',
      optional: true,
      validation: { integer: true, minimum: 68, maximum: 65535 },
    }),
    hosts: setAttribute('string', {
      description:
        'The hosts of the data center that carry the network as configured, as last read. A host missing here (the network deleted or changed on it outside virtplane) makes the plan update the network, which puts it back.',
      computed: true,
    }),
  },
});

type NetworkState = StateOf<typeof networkSchema>;
type NetworkFields = Pick<Network, 'id' | 'name' | 'mode' | 'cidr' | 'bridge' | 'vlanId' | 'mtu'>;

export function validateNetworkConfig(config: PlannedStateOf<typeof networkSchema>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const known = (value: unknown): boolean => value !== null && !isUnknown(value);
  const { name, mode, cidr, bridge, vlan_id: vlanId, mtu } = config;
  if (typeof name === 'string' && (/^\d+$/.test(name) || new RegExp(UUID_PATTERN, 'i').test(name))) {
    diagnostics.push(errorDiagnostic('Invalid network name', `"${name}" would be read by virsh as a network's number or UUID. ${LIBVIRT_NAME_HINT}`, ['name']));
  }
  if (typeof cidr === 'string') {
    const problem = cidrProblem(cidr);
    if (problem !== undefined) diagnostics.push(errorDiagnostic('Invalid value for cidr', `cidr ${problem} (got "${cidr}").`, ['cidr']));
  }
  if (isUnknown(mode)) return diagnostics;
  const effectiveMode = mode ?? 'nat';
  if (effectiveMode === 'nat' && cidr === null) {
    diagnostics.push(errorDiagnostic('Missing cidr', 'A nat network needs its subnet: set cidr, e.g. "10.20.0.0/24".', ['cidr']));
  }
  if (effectiveMode === 'bridge') {
    if (bridge === null)
      diagnostics.push(
        errorDiagnostic('Missing bridge', 'A bridge-mode network joins an existing host bridge: set bridge to its name (it must exist on every host).', [
          'bridge',
        ]),
      );
    if (known(cidr))
      diagnostics.push(
        errorDiagnostic(
          'cidr not used in bridge mode',
          "In bridge mode the host bridge's own network addresses guests; libvirt manages no subnet. Remove cidr.",
          ['cidr'],
        ),
      );
    if (known(mtu))
      diagnostics.push(
        errorDiagnostic(
          'mtu not allowed in bridge mode',
          'libvirt refuses an MTU on a bridge-mode network: the host bridge has its own. Set it on the host, and remove mtu.',
          ['mtu'],
        ),
      );
  } else if (known(vlanId)) {
    diagnostics.push(
      errorDiagnostic(
        'vlan_id needs bridge mode',
        'libvirt tags VLANs only on Open vSwitch bridges (mode = "bridge" with an Open vSwitch bridge), never on the Linux bridge of a nat or isolated network.',
        ['vlan_id'],
      ),
    );
  }
  return diagnostics;
}

function stateOf(row: NetworkFields & Pick<Network, 'datacenterId'>, hosts: readonly string[]): NetworkState {
  return {
    id: row.id,
    name: row.name,
    datacenter_id: row.datacenterId,
    mode: row.mode,
    cidr: row.cidr,
    bridge: row.bridge,
    vlan_id: row.vlanId,
    mtu: row.mtu,
    hosts: [...hosts].sort(),
  };
}

function fieldsOf(state: NetworkState) {
  return { name: state.name, mode: state.mode as NetworkMode, cidr: state.cidr, bridge: state.bridge, vlanId: state.vlan_id, mtu: state.mtu };
}

/** The hosts of a data center carrying the network as its definition says. */
function hostsInSync(reads: readonly HostRead[], network: NetworkFields, datacenter: Datacenter): string[] {
  const model = networkModelFor(network as Network, datacenter);
  return reads.filter(({ read }) => networkOnHost(read, model, network.id).presence === 'in-sync').map(({ host }) => host.row.name);
}

async function datacenterAndHosts(inventory: Inventory, datacenterId: string): Promise<{ datacenter: Datacenter; hosts: Host[] } | undefined> {
  const datacenter = await inventory.datacenters.get(datacenterId);
  return datacenter === undefined ? undefined : { datacenter, hosts: await hostsOfDatacenter(inventory, datacenterId) };
}

/** Nothing changes anywhere while one host has a network of that name that is not this one's. */
function refuseForeign(reads: readonly HostRead[], network: NetworkFields, datacenter: Datacenter): void {
  const model = networkModelFor(network as Network, datacenter);
  for (const { host, read } of reads) {
    const current = networkOnHost(read, model, network.id);
    if (current.presence === 'foreign') throw foreignObjectError('network', network.name, host.row.name, current.found?.model?.owner, ['name']);
  }
}

/** Puts the network on every host (in parallel); `done` tells which hosts have it when one fails. */
async function ensureEverywhere(reads: readonly HostRead[], network: NetworkFields, datacenter: Datacenter, done: string[]): Promise<void> {
  refuseForeign(reads, network, datacenter);
  const model = networkModelFor(network as Network, datacenter);
  await Promise.all(
    reads.map(async ({ host, read }) => {
      await onHost(host.row.name, `creating network ${network.name}`, () => ensureNetworkOn(host, model, networkOnHost(read, model, network.id), ['name']));
      done.push(host.row.name);
    }),
  );
}

function forgetAll(provider: ProviderContext, reads: readonly HostRead[]): void {
  for (const { host } of reads) provider.hostReads.forget(host.endpoint);
}

/**
 * A create that failed on a host: what it made is removed (from every host, then the inventory row), and
 * the error says why, with the host's own words (dnsmasq's, libvirt's), and that nothing was left.
 */
async function undoCreate(provider: ProviderContext, hosts: readonly Host[], row: Network, error: unknown, signal: AbortSignal): Promise<unknown> {
  const cause = diagnosticsFromError(error, `creating network ${row.name}`)
    .map((diagnostic) => `${diagnostic.summary}: ${diagnostic.detail}`)
    .join('; ');
  try {
    for (const host of hosts) provider.hostReads.forget(provider.endpointFor(host));
    const reads = await readHosts(provider, hosts, signal);
    await Promise.all(reads.map(({ host, read }) => removeNetworksFrom(host, read, row.id)));
    forgetAll(provider, reads);
    await removeFromInventory(provider.inventory, NETWORK_TYPE, { id: row.id, name: row.name }, async (tx) => {
      if (await tx.networks.get(row.id)) await tx.networks.delete(row.id);
    });
  } catch (cleanup) {
    // Could not undo everything: the state keeps the network so that the next apply (or destroy) finishes it.
    return new PartialApplyError(
      `network ${row.name} could not be created (${cause}) nor fully removed again (${(cleanup as Error).message})`,
      stateOf(row, []),
      {
        cause: error,
      },
    );
  }
  return new DiagnosticError(
    `Network ${row.name} not created`,
    `${cause}. Nothing was left behind: the network was removed from every host and from the inventory.`,
    ['name'],
    { cause: error },
  );
}

/** Import ids: the network's id, or "DATACENTER_NAME/NETWORK_NAME". */
export const networkResource = defineResource<ProviderContext>()({
  typeName: NETWORK_TYPE,
  description: networkSchema.description,
  schema: networkSchema,

  validate: ({ config }) => validateNetworkConfig(config),

  async plan({ provider, prior, planned }) {
    const changedAddressing = prior === null || planned.cidr !== prior.cidr || planned.bridge !== prior.bridge || planned.mode !== prior.mode;
    if (prior !== null) noteReplacement(prior, planned);
    const checks = changedAddressing ? await planNetworkChecks(provider, planned, prior?.id ?? null) : [];
    if (checks.length > 0) return { diagnostics: checks };
    if (prior === null || isUnknown(planned.datacenter_id)) return undefined;
    const reconfigured = (['cidr', 'bridge', 'vlan_id', 'mtu'] as const).some((key) => isUnknown(planned[key]) || planned[key] !== prior[key]);
    const expected = await provider.inventory.use(async (inventory) =>
      (await hostsOfDatacenter(inventory, String(planned.datacenter_id))).map((host) => host.name),
    );
    const current = [...(prior.hosts ?? [])].sort();
    const drifted = expected.length !== current.length || expected.some((name, index) => name !== current[index]);
    // Which hosts carry it after the apply depends on hosts that may join meanwhile: known after apply.
    return reconfigured || drifted ? { planned: { ...planned, hosts: unknown } } : undefined;
  },

  async create({ provider, planned, signal }) {
    return withDatacenterLock(planned.datacenter_id, async () => {
      const found = await withInventoryDiagnostics(() => provider.inventory.use((inventory) => datacenterAndHosts(inventory, planned.datacenter_id)));
      if (found === undefined) {
        throw new DiagnosticError('Referenced object not found', `No data center ${planned.datacenter_id} in the inventory. Create it first.`, [
          'datacenter_id',
        ]);
      }
      const creation = {
        resourceType: NETWORK_TYPE,
        kind: 'network',
        name: planned.name,
        where: `in data center ${JSON.stringify(found.datacenter.name)}`,
        details: planned,
        references: { datacenter: ['datacenter_id'], network: ['name'] },
        find: (inventory: InventoryRepositories) => inventory.networks.getByName(planned.datacenter_id, planned.name),
        create: (tx: InventoryScope, mark: string) => tx.networks.create({ datacenterId: planned.datacenter_id, ...fields, createdByWorkspace: mark }),
        // Left by an interrupted apply of this workspace: the row brought to the plan, and the network
        // put on every host below (the killed apply may have stopped before some of them).
        adopt: (tx: InventoryScope, existing: Network) => tx.networks.update(existing.id, fieldsOf(planned)),
      };
      const leftover = await adoptableRow(provider, creation);
      for (const host of found.hosts) provider.hostReads.forget(provider.endpointFor(host));
      const reads = await readHosts(provider, found.hosts, signal);
      const fields = { id: leftover?.id ?? randomUUID(), ...fieldsOf(planned) };
      refuseForeign(reads, fields, found.datacenter);
      const { row } = await createOrAdoptRow(provider, creation, { row: leftover });
      const done: string[] = [];
      try {
        await ensureEverywhere(reads, row, found.datacenter, done);
      } catch (error) {
        // Nothing half-made stays: the network goes from every host (defined or started) and from the inventory.
        throw await undoCreate(provider, found.hosts, row, error, signal);
      } finally {
        forgetAll(provider, reads);
      }
      return stateOf(row, done);
    });
  },

  async read({ provider, state, signal }) {
    const found = await provider.inventory.use(async (inventory) => {
      const row = await inventory.networks.get(state.id!);
      const datacenter = await datacenterAndHosts(inventory, row?.datacenterId ?? state.datacenter_id);
      return { row, ...datacenter };
    });
    if (found.datacenter === undefined || found.hosts === undefined) return null;
    const reads = await readHosts(provider, found.hosts, signal);
    let row = found.row;
    if (row === undefined) {
      // The inventory lost the row but the hosts still carry the network: a wrong or lost inventory (refresh
      // never writes; `virtplane inventory rebuild` registers it again).
      const carried = reads.some(({ read }) => read.networks.some((network) => network.model?.owner?.resourceId === state.id));
      if (!carried) return goneOrUnknown(provider.inventory, { resourceType: NETWORK_TYPE, id: state.id!, name: state.name });
      throw unknownToInventoryError(provider.inventory, { resourceType: NETWORK_TYPE, id: state.id!, name: state.name });
    }
    return stateOf(row, hostsInSync(reads, row, found.datacenter));
  },

  async update({ provider, prior, planned, signal }) {
    return withDatacenterLock(planned.datacenter_id, async () => {
      const row = await changeInventory(provider.inventory, {
        resourceType: NETWORK_TYPE,
        action: 'update',
        details: planned,
        references: { datacenter: ['datacenter_id'] },
        apply: (tx) => tx.networks.update(prior.id!, fieldsOf(planned)),
      });
      const found = await provider.inventory.use((inventory) => datacenterAndHosts(inventory, row.datacenterId));
      if (found === undefined)
        throw new DiagnosticError('Referenced object not found', `No data center ${row.datacenterId} in the inventory.`, ['datacenter_id']);
      for (const host of found.hosts) provider.hostReads.forget(provider.endpointFor(host));
      const reads = await readHosts(provider, found.hosts, signal);
      const done: string[] = [];
      try {
        await ensureEverywhere(reads, row, found.datacenter, done);
      } catch (error) {
        throw new PartialApplyError(
          `network ${row.name} is not updated on every host yet: ${reasonOf(error, 'updating it on the hosts')}`,
          stateOf(row, done),
          { cause: error },
        );
      } finally {
        forgetAll(provider, reads);
      }
      return stateOf(row, done);
    });
  },

  async delete({ provider, prior, signal }) {
    await withDatacenterLock(prior.datacenter_id, async () => {
      const found = await provider.inventory.use((inventory) => datacenterAndHosts(inventory, prior.datacenter_id));
      if (found !== undefined) {
        for (const host of found.hosts) provider.hostReads.forget(provider.endpointFor(host));
        const reads = await readHosts(provider, found.hosts, signal);
        try {
          await Promise.all(
            reads.map(({ host, read }) => onHost(host.row.name, `removing network ${prior.name}`, () => removeNetworksFrom(host, read, prior.id!))),
          );
        } finally {
          forgetAll(provider, reads);
        }
      }
      await removeFromInventory(provider.inventory, NETWORK_TYPE, { id: prior.id!, name: prior.name }, async (tx) => {
        if (await tx.networks.get(prior.id!)) await tx.networks.delete(prior.id!);
      });
    });
  },

  async import({ provider, id }) {
    const row = await provider.inventory.use((inventory) => findByIdOrDatacenterPath(inventory.datacenters, inventory.networks, id));
    return row ? { id: row.id, datacenter_id: row.datacenterId } : null;
  },
});
