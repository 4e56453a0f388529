/**
 * A permission: a role given to a user or a group on an object (or on the whole system), inherited by
 * everything the object contains. Giving or taking one back needs role.grant on the object. Every
 * attribute replaces the permission when it changes: a permission is a fact, not a thing to edit.
 */
import { PERMISSION_OBJECT_TYPES, type Permission, type PermissionObjectType } from '../../inventory/index.js';
import { blockSchema, defineResource, DiagnosticError, errorDiagnostic, stringAttribute, type Diagnostic, type StateOf } from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import { changeInventory, goneOrUnknown, idAttribute, leftoverVerdict, recordMadeByThisApply, removeFromInventory, UUID_PATTERN } from '../shared/index.js';

const holder = (who: string) =>
  stringAttribute({
    description: `The ${who} who holds the role (set user_id or group_id). Changing it replaces the permission.`,
    optional: true,
    forceNew: true,
    validation: { pattern: UUID_PATTERN, hint: `The id of a virtplane ${who}, e.g. virtplane_${who}.team.id.` },
  });

export const permissionSchema = blockSchema({
  description: 'A permission: a role given to a user or group on an object, and inherited by everything the object contains.',
  attributes: {
    id: idAttribute("The permission's id in the inventory."),
    user_id: holder('user'),
    group_id: holder('group'),
    role_id: stringAttribute({
      description: 'The role given (a virtplane_role, or a built-in one through the virtplane_role data source). Changing it replaces the permission.',
      required: true,
      forceNew: true,
      validation: { pattern: UUID_PATTERN, hint: 'The id of a role, e.g. data.virtplane_role.user_vm_manager.id.' },
    }),
    object_type: stringAttribute({
      description:
        'What the role is given on: system (everything), datacenter, cluster, host, network, storage_domain, disk, template or vm. Changing it replaces the permission.',
      required: true,
      forceNew: true,
      validation: { enum: [...PERMISSION_OBJECT_TYPES] },
    }),
    object_id: stringAttribute({
      description: "The object's id (unset for system). Changing it replaces the permission.",
      optional: true,
      forceNew: true,
      validation: { maxLength: 400 },
    }),
  },
});

type PermissionState = StateOf<typeof permissionSchema>;

function toState(row: Permission): PermissionState {
  return { id: row.id, user_id: row.userId, group_id: row.groupId, role_id: row.roleId, object_type: row.objectType, object_id: row.objectId };
}

function describeGrant(state: Pick<PermissionState, 'user_id' | 'group_id' | 'role_id' | 'object_type' | 'object_id'>): string {
  const who = state.user_id ? `user ${state.user_id}` : `group ${state.group_id ?? '?'}`;
  return `role ${state.role_id} to ${who} on ${state.object_type}${state.object_id ? ` ${state.object_id}` : ''}`;
}

export const permissionResource = defineResource<ProviderContext>()({
  typeName: 'virtplane_permission',
  description: permissionSchema.description,
  schema: permissionSchema,

  validate({ config }) {
    const diagnostics: Diagnostic[] = [];
    if (config.user_id === null && config.group_id === null) {
      diagnostics.push(errorDiagnostic('Nobody holds the role', 'Set user_id (a virtplane_user) or group_id (a virtplane_group).', ['user_id']));
    }
    if (typeof config.user_id === 'string' && typeof config.group_id === 'string') {
      diagnostics.push(errorDiagnostic('Two holders', 'A permission is held by one user or one group: set user_id or group_id, not both.', ['group_id']));
    }
    if (config.object_type === 'system' && typeof config.object_id === 'string') {
      diagnostics.push(errorDiagnostic('An object on the system', 'A permission on the system is on everything: leave object_id unset.', ['object_id']));
    }
    if (typeof config.object_type === 'string' && config.object_type !== 'system' && config.object_id === null) {
      diagnostics.push(errorDiagnostic('No object', `Set object_id: the id of the ${config.object_type} the role is given on.`, ['object_id']));
    }
    return diagnostics;
  },

  async create({ provider, planned }) {
    const object = { type: planned.object_type as PermissionObjectType, ...(planned.object_id ? { id: planned.object_id } : {}) };
    const holderQuery = planned.user_id ? { userId: planned.user_id } : { groupId: planned.group_id ?? '' };
    const existing = (await provider.inventory.use((inventory) => inventory.permissions.list({ ...holderQuery, object }))).find(
      (row) => row.roleId === planned.role_id,
    );
    if (existing !== undefined) {
      // The same grant: what an interrupted apply of this workspace left (adopted), or someone else's.
      if (leftoverVerdict(provider, 'virtplane_permission', existing.id, existing.createdByWorkspace) !== 'adopt') {
        throw new DiagnosticError(
          'Permission already given',
          `The inventory already has ${describeGrant(planned)} (permission ${existing.id}), made elsewhere. Import it instead: terraform import ADDRESS ${existing.id}.`,
          ['role_id'],
        );
      }
      recordMadeByThisApply(provider, 'virtplane_permission', existing.id);
      return toState(existing);
    }
    const row = await changeInventory(provider.inventory, {
      resourceType: 'virtplane_permission',
      action: 'create',
      details: planned,
      references: { user: ['user_id'], group: ['group_id'], role: ['role_id'] },
      apply: async (tx) => {
        const granted = await tx.permissions.grant({
          userId: planned.user_id ?? null,
          groupId: planned.group_id ?? null,
          roleId: planned.role_id,
          object,
          createdByWorkspace: provider.workspaceToken,
        });
        return { ...granted, name: describeGrant(planned) };
      },
    });
    recordMadeByThisApply(provider, 'virtplane_permission', row.id);
    return toState(row);
  },

  async read({ provider, state }) {
    const row = await provider.inventory.use((inventory) => inventory.permissions.get(state.id!));
    return row ? toState(row) : goneOrUnknown(provider.inventory, { resourceType: 'virtplane_permission', id: state.id!, name: describeGrant(state) });
  },

  update({ prior }) {
    // Every attribute forces a new permission; nothing is left to change in place.
    return Promise.resolve(prior);
  },

  async delete({ provider, prior }) {
    await removeFromInventory(provider.inventory, 'virtplane_permission', { id: prior.id!, name: describeGrant(prior) }, async (tx) => {
      await tx.permissions.revoke(prior.id!);
    });
  },

  async import({ provider, id }) {
    const row = await provider.inventory.use((inventory) => inventory.permissions.get(id));
    return row ? { id: row.id } : null;
  },
});
