/**
 * A custom role: a named set of permits. The built-in roles (SuperUser, DataCenterAdmin, ClusterAdmin,
 * UserVmManager, TemplateUser, Auditor) exist in every inventory with fixed ids and cannot be changed:
 * look them up with the virtplane_role data source.
 */
import { PERMIT_NAMES, PERMITS, type Role } from '../../inventory/index.js';
import { blockSchema, boolAttribute, defineResource, setAttribute, type StateOf } from '../../framework/index.js';
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
} from '../shared/index.js';

export const roleSchema = blockSchema({
  description: 'A role: a named set of permits, given to users and groups on objects with virtplane_permission.',
  attributes: {
    id: idAttribute("The role's id in the inventory (a built-in role's id is the same in every inventory)."),
    name: nameAttribute("The role's name, unique in the inventory (the built-in roles' names are taken)."),
    description: descriptionAttribute('role'),
    permits: setAttribute('string', {
      description: `What the role allows, one or more of: ${PERMIT_NAMES.map((permit) => `${permit} (${PERMITS[permit]})`).join('; ')}.`,
      required: true,
      validation: { minItems: 1, items: { enum: PERMIT_NAMES }, hint: `Permits are ${PERMIT_NAMES.join(', ')}.` },
    }),
    builtin: boolAttribute({ description: 'Whether the role comes with the inventory (always false for a role made here).', computed: true }),
  },
});

type RoleState = StateOf<typeof roleSchema>;

export function roleToState(row: Role): RoleState {
  return { id: row.id, name: row.name, description: row.description, permits: [...row.permits].sort(), builtin: row.builtin };
}

export const roleResource = defineResource<ProviderContext>()({
  typeName: 'virtplane_role',
  description: roleSchema.description,
  schema: roleSchema,

  plan({ planned }) {
    return { planned: { ...planned, builtin: false } };
  },

  async create({ provider, planned }) {
    const fields = { name: planned.name, description: planned.description, permits: [...planned.permits].sort() };
    const { row } = await createOrAdoptRow(provider, {
      resourceType: 'virtplane_role',
      kind: 'role',
      name: planned.name,
      where: `in the inventory at ${provider.inventory.describe()}`,
      details: planned,
      find: (inventory) => inventory.roles.getByName(planned.name),
      create: (tx, mark) => tx.roles.create({ ...fields, createdByWorkspace: mark }),
      adopt: (tx, found) => tx.roles.update(found.id, fields),
    });
    return roleToState(row);
  },

  async read({ provider, state }) {
    const row = await provider.inventory.use((inventory) => inventory.roles.get(state.id!));
    return row ? roleToState(row) : goneOrUnknown(provider.inventory, { resourceType: 'virtplane_role', id: state.id!, name: state.name });
  },

  async update({ provider, prior, planned }) {
    const row = await changeInventory(provider.inventory, {
      resourceType: 'virtplane_role',
      action: 'update',
      details: planned,
      apply: (tx) => tx.roles.update(prior.id!, { name: planned.name, description: planned.description, permits: [...planned.permits].sort() }),
    });
    return roleToState(row);
  },

  async delete({ provider, prior }) {
    await removeFromInventory(provider.inventory, 'virtplane_role', { id: prior.id!, name: prior.name }, async (tx) => {
      if (await tx.roles.get(prior.id!)) await tx.roles.delete(prior.id!);
    });
  },

  async import({ provider, id }) {
    const row = await provider.inventory.use((inventory) => findByIdOrName(inventory.roles, id));
    return row && !row.builtin ? { id: row.id } : null;
  },
});
