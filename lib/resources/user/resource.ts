/**
 * A virtplane user. On a shared PostgreSQL inventory the user's name is a database login that the
 * administrator's apply creates (a member of virtplane_user; the password goes to the server as a SCRAM
 * verifier and is never kept in the inventory); the user then points their own provider block at the
 * inventory with that login, and the database allows them what their roles allow. On the embedded
 * inventory a user is a row only: there is one local administrator.
 */
import type { User } from '../../inventory/index.js';
import { blockSchema, defineResource, stringAttribute, type StateOf } from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import { createOrAdoptRow, findByIdOrName, goneOrUnknown, idAttribute, removeFromInventory, changeInventory } from '../shared/index.js';

export const LOGIN_PATTERN = '^[a-z_][a-z0-9_]{0,62}$';

export const userSchema = blockSchema({
  description:
    "A user: on a PostgreSQL inventory, a database login the user's own provider block connects with (its roles decide what it may change); on the embedded inventory, a name only.",
  attributes: {
    id: idAttribute("The user's id in the inventory."),
    name: stringAttribute({
      description: "The user's name, which is also their PostgreSQL login. Changing it replaces the user.",
      required: true,
      forceNew: true,
      validation: { pattern: LOGIN_PATTERN, hint: 'Use 1 to 63 lower-case letters, digits or "_", starting with a letter or "_" (a PostgreSQL login).' },
    }),
    password: stringAttribute({
      description:
        "The login's password (PostgreSQL inventory). Sent to the server as a SCRAM-SHA-256 verifier; virtplane never stores it in the inventory (Terraform keeps it in its state, marked sensitive). Unset: a login without a password (certificate or peer authentication).",
      optional: true,
      sensitive: true,
      validation: { minLength: 8 },
    }),
  },
});

type UserState = StateOf<typeof userSchema>;

function toState(row: User, password: string | null): UserState {
  return { id: row.id, name: row.name, password };
}

export const userResource = defineResource<ProviderContext>()({
  typeName: 'virtplane_user',
  description: userSchema.description,
  schema: userSchema,

  async create({ provider, planned }) {
    const password = planned.password ?? null;
    const { row } = await createOrAdoptRow(provider, {
      resourceType: 'virtplane_user',
      kind: 'user',
      name: planned.name,
      where: `in the inventory at ${provider.inventory.describe()}`,
      details: { name: planned.name, password_set: password !== null },
      find: (inventory) => inventory.users.getByName(planned.name),
      create: async (tx, mark) => {
        const user = await tx.users.create({ name: planned.name, createdByWorkspace: mark });
        await tx.access.ensureLogin(planned.name, password);
        return user;
      },
      adopt: async (tx, found) => {
        await tx.access.ensureLogin(planned.name, password);
        return found;
      },
    });
    return toState(row, password);
  },

  async read({ provider, state }) {
    const row = await provider.inventory.use((inventory) => inventory.users.get(state.id!));
    return row ? toState(row, state.password ?? null) : goneOrUnknown(provider.inventory, { resourceType: 'virtplane_user', id: state.id!, name: state.name });
  },

  async update({ provider, prior, planned }) {
    const password = planned.password ?? null;
    const row = await changeInventory(provider.inventory, {
      resourceType: 'virtplane_user',
      action: 'update',
      details: { name: planned.name, password_changed: true },
      apply: async (tx) => {
        await tx.access.ensureLogin(prior.name, password);
        return tx.users.require(prior.id!);
      },
    });
    return toState(row, password);
  },

  async delete({ provider, prior }) {
    await removeFromInventory(provider.inventory, 'virtplane_user', { id: prior.id!, name: prior.name }, async (tx) => {
      if (await tx.users.get(prior.id!)) await tx.users.delete(prior.id!);
      await tx.access.dropLogin(prior.name);
    });
  },

  async import({ provider, id }) {
    const row = await provider.inventory.use((inventory) => findByIdOrName(inventory.users, id));
    return row ? { id: row.id } : null;
  },
});
