/** The datacenter data source: a datacenter of another Terraform state, looked up by name. */
import { defineDataSource } from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import { lookupSchema, notFound } from '../shared/index.js';
import { datacenterSchema, datacenterToState } from './resource.js';

export const datacenterDataSource = defineDataSource<ProviderContext>()({
  typeName: 'virtplane_datacenter',
  description: 'Looks a data center up by name, so that another Terraform state can use it.',
  schema: lookupSchema(datacenterSchema, ['name'], 'Looks a data center up by name.'),
  async read({ provider, config }) {
    const row = await provider.inventory.use((inventory) => inventory.datacenters.getByName(String(config.name)));
    if (!row) throw notFound('data center', ['name']);
    return datacenterToState(row);
  },
});
