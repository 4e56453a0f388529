/** The cluster data source: a cluster of another Terraform state, looked up by name. */
import { defineDataSource } from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import { lookupSchema, notFound } from '../shared/index.js';
import { clusterSchema, clusterToState } from './resource.js';

export const clusterDataSource = defineDataSource<ProviderContext>()({
  typeName: 'virtplane_cluster',
  description: 'Looks a cluster up by data center and name, so that another Terraform state can place VMs in it.',
  schema: lookupSchema(clusterSchema, ['name', 'datacenter_id'], 'Looks a cluster up by data center and name.'),
  async read({ provider, config }) {
    const row = await provider.inventory.use((inventory) => inventory.clusters.getByName(String(config.datacenter_id), String(config.name)));
    if (!row) throw notFound('cluster in this data center', ['name']);
    return clusterToState(row);
  },
});
