import type { Datacenter } from '../../inventory/index.js';
import type { ProviderContext } from '../context/index.js';
import { blockSchema, defineResource, errorDiagnostic, stringAttribute, type Diagnostic, type StateOf } from '../../framework/index.js';
import {
  alreadyTaken,
  changeInventory,
  createOrAdoptRow,
  descriptionAttribute,
  findByIdOrName,
  idAttribute,
  nameAttribute,
  removeFromInventory,
  goneOrUnknown,
} from '../shared/index.js';

export const datacenterSchema = blockSchema({
  description: 'A data center: the top of the tree. Its clusters, networks and storage domains belong to it.',
  attributes: {
    id: idAttribute("The data center's id in the inventory."),
    name: nameAttribute("The data center's name, unique in the inventory."),
    description: descriptionAttribute('data center'),
    storage_type: stringAttribute({
      description:
        "shared: storage domains of any kind (iSCSI, and dir domains shared by every host or local to one). local: as oVirt's local storage, only host-local dir storage domains (shared = false, each on its host_id): a shared one is refused at plan.",
      optional: true,
      default: 'shared',
      validation: { enum: ['shared', 'local'] },
    }),
  },
});

type DatacenterState = StateOf<typeof datacenterSchema>;

function storageType(value: string): Datacenter['storageType'] {
  return value === 'local' ? 'local' : 'shared';
}

export function datacenterToState(row: Datacenter): DatacenterState {
  return { id: row.id, name: row.name, description: row.description, storage_type: row.storageType };
}

/**
 * A data center turned local (oVirt's local storage: host-local dir domains only) while it still has
 * shared storage domains: refused at plan on storage_type, naming them (their own plan checks new ones).
 */
async function sharedStorageOfLocal(
  provider: ProviderContext,
  prior: StateOf<typeof datacenterSchema> | null,
  planned: { readonly storage_type?: unknown },
): Promise<Diagnostic | undefined> {
  if (prior === null || planned.storage_type !== 'local' || prior.storage_type === 'local' || prior.id === null) return undefined;
  const datacenterId = prior.id;
  const domains = await provider.inventory.use((inventory) => inventory.storageDomains.list(datacenterId));
  const shared = domains.filter((domain) => domain.type !== 'dir' || domain.shared).map((domain) => domain.name);
  if (shared.length === 0) return undefined;
  return errorDiagnostic(
    'Shared storage in a local data center',
    `Data center ${prior.name} has shared storage domains (${shared.join(', ')}); storage_type = "local" allows only host-local directories (type = "dir", shared = false, host_id). Remove or replace them first, or keep storage_type = "shared".`,
    ['storage_type'],
  );
}

export const datacenterResource = defineResource<ProviderContext>()({
  typeName: 'virtplane_datacenter',
  description: datacenterSchema.description,
  schema: datacenterSchema,

  async plan({ provider, prior, planned }) {
    const shared = await sharedStorageOfLocal(provider, prior, planned);
    if (shared !== undefined) return { diagnostics: [shared] };
    // A name the inventory already has (another state's data center, or one whose state was lost).
    if (typeof planned.name !== 'string' || planned.name === prior?.name) return undefined;
    const name = planned.name;
    const holder = await provider.inventory.use((inventory) => inventory.datacenters.getByName(name));
    if (holder === undefined || holder.id === prior?.id) return undefined;
    return {
      diagnostics: [
        alreadyTaken({
          kind: 'data center',
          resourceType: 'virtplane_datacenter',
          what: `the name ${JSON.stringify(name)}`,
          holder: `data center ${holder.name} (${holder.id})`,
          importId: holder.name,
          path: ['name'],
          madeByThisWorkspace: holder.createdByWorkspace === provider.workspaceToken,
        }),
      ],
    };
  },

  async create({ provider, planned }) {
    const fields = { name: planned.name, description: planned.description, storageType: storageType(planned.storage_type) };
    const { row } = await createOrAdoptRow(provider, {
      resourceType: 'virtplane_datacenter',
      kind: 'data center',
      name: planned.name,
      where: `in the inventory at ${provider.inventory.describe()}`,
      details: planned,
      find: (inventory) => inventory.datacenters.getByName(planned.name),
      create: (tx, mark) => tx.datacenters.create({ ...fields, createdByWorkspace: mark }),
      adopt: (tx, found) => tx.datacenters.update(found.id, fields),
    });
    return datacenterToState(row);
  },

  async read({ provider, state }) {
    const row = await provider.inventory.use((inventory) => inventory.datacenters.get(state.id!));
    return row ? datacenterToState(row) : goneOrUnknown(provider.inventory, { resourceType: 'virtplane_datacenter', id: state.id!, name: state.name });
  },

  async update({ provider, prior, planned }) {
    const row = await changeInventory(provider.inventory, {
      resourceType: 'virtplane_datacenter',
      action: 'update',
      details: planned,
      apply: (tx) => tx.datacenters.update(prior.id!, { name: planned.name, description: planned.description, storageType: storageType(planned.storage_type) }),
    });
    return datacenterToState(row);
  },

  async delete({ provider, prior }) {
    await removeFromInventory(provider.inventory, 'virtplane_datacenter', { id: prior.id!, name: prior.name }, async (tx) => {
      if (await tx.datacenters.get(prior.id!)) await tx.datacenters.delete(prior.id!);
    });
  },

  async import({ provider, id }) {
    const row = await provider.inventory.use((inventory) => findByIdOrName(inventory.datacenters, id));
    return row ? { id: row.id } : null;
  },
});
