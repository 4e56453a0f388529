/** The role data source: a role by name, built-in ones included (UserVmManager, ...), to give with virtplane_permission. */
import { defineDataSource } from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import { lookupSchema, notFound } from '../shared/index.js';
import { roleSchema, roleToState } from './resource.js';

export const roleDataSource = defineDataSource<ProviderContext>()({
  typeName: 'virtplane_role',
  description: 'Looks a role up by name: a built-in one (SuperUser, DataCenterAdmin, ClusterAdmin, UserVmManager, TemplateUser, Auditor) or a custom one.',
  schema: lookupSchema(roleSchema, ['name'], 'Looks a role up by name.'),
  async read({ provider, config }) {
    const row = await provider.inventory.use((inventory) => inventory.roles.getByName(String(config.name)));
    if (!row) throw notFound('role', ['name']);
    return roleToState(row);
  },
});
