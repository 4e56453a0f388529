/** The host data source: a host of another Terraform state, looked up by name. */
import { defineDataSource } from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import { lookupSchema, notFound } from '../shared/index.js';
import { hostSchema, hostToState } from './resource.js';

export const hostDataSource = defineDataSource<ProviderContext>()({
  typeName: 'virtplane_host',
  description: 'Looks a host up by name, with the facts last read from it.',
  schema: lookupSchema(hostSchema, ['name'], 'Looks a host up by name.'),
  async read({ provider, config }) {
    const row = await provider.inventory.use((inventory) => inventory.hosts.getByName(String(config.name)));
    if (!row) throw notFound('host', ['name']);
    // The lookup has no blocks: the power controller (and its password) stays with the host's own state.
    const { power_management: _power, ...state } = hostToState(row);
    return state;
  },
});
