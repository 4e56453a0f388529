/** A group of users: a role given to the group is held by each member (inherited down the tree as any role). */
import type { Group } from '../../inventory/index.js';
import { blockSchema, defineResource, setAttribute, type StateOf } from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import {
  changeInventory,
  createOrAdoptRow,
  descriptionAttribute,
  findByIdOrName,
  goneOrUnknown,
  idAttribute,
  nameAttribute,
  removeFromInventory,
  UUID_PATTERN,
} from '../shared/index.js';

export const groupSchema = blockSchema({
  description: 'A group of users. A role given to the group (virtplane_permission with group_id) is held by each of its members.',
  attributes: {
    id: idAttribute("The group's id in the inventory."),
    name: nameAttribute("The group's name, unique in the inventory."),
    description: descriptionAttribute('group'),
    member_ids: setAttribute('string', {
      description: 'The members: virtplane_user ids.',
      optional: true,
      default: [],
      validation: { items: { pattern: UUID_PATTERN }, hint: 'Ids of virtplane users, e.g. [virtplane_user.alice.id].' },
    }),
  },
});

type GroupState = StateOf<typeof groupSchema>;

function toState(row: Group): GroupState {
  return { id: row.id, name: row.name, description: row.description, member_ids: [...row.memberIds] };
}

export const groupResource = defineResource<ProviderContext>()({
  typeName: 'virtplane_group',
  description: groupSchema.description,
  schema: groupSchema,

  async create({ provider, planned }) {
    const fields = { name: planned.name, description: planned.description, memberIds: planned.member_ids };
    const references = { member_ids: ['member_ids'] };
    const { row } = await createOrAdoptRow(provider, {
      resourceType: 'virtplane_group',
      kind: 'group',
      name: planned.name,
      where: `in the inventory at ${provider.inventory.describe()}`,
      details: planned,
      references,
      find: (inventory) => inventory.groups.getByName(planned.name),
      create: (tx, mark) => tx.groups.create({ ...fields, createdByWorkspace: mark }),
      adopt: (tx, found) => tx.groups.update(found.id, fields),
    });
    return toState(row);
  },

  async read({ provider, state }) {
    const row = await provider.inventory.use((inventory) => inventory.groups.get(state.id!));
    return row ? toState(row) : goneOrUnknown(provider.inventory, { resourceType: 'virtplane_group', id: state.id!, name: state.name });
  },

  async update({ provider, prior, planned }) {
    const row = await changeInventory(provider.inventory, {
      resourceType: 'virtplane_group',
      action: 'update',
      details: planned,
      references: { member_ids: ['member_ids'] },
      apply: (tx) => tx.groups.update(prior.id!, { name: planned.name, description: planned.description, memberIds: planned.member_ids }),
    });
    return toState(row);
  },

  async delete({ provider, prior }) {
    await removeFromInventory(provider.inventory, 'virtplane_group', { id: prior.id!, name: prior.name }, async (tx) => {
      if (await tx.groups.get(prior.id!)) await tx.groups.delete(prior.id!);
    });
  },

  async import({ provider, id }) {
    const row = await provider.inventory.use((inventory) => findByIdOrName(inventory.groups, id));
    return row ? { id: row.id } : null;
  },
});
