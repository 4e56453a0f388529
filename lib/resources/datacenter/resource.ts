import type { Datacenter } from '../../inventory/index.js';
import type { ProviderContext } from '../context/index.js';
import { blockSchema, defineResource, stringAttribute, type StateOf } from '../../framework/index.js';
import {
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
      description: 'shared: storage domains are reachable from every host (iSCSI); local: each host has its own.',
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

export const datacenterResource = defineResource<ProviderContext>()({
  typeName: 'virtplane_datacenter',
  description: datacenterSchema.description,
  schema: datacenterSchema,

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
