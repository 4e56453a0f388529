import { DiagnosticError, defineDataSource, type AttributePath } from '../framework/index.js';
import { clusterSchema, clusterToState } from './cluster/resource.js';
import { datacenterSchema, datacenterToState } from './datacenter/resource.js';
import { hostSchema, hostToState } from './host/resource.js';
import { lookupSchema } from './shared/lookupSchema.js';
import type { ProviderContext } from './context/providerContext.js';

function notFound(what: string, path: AttributePath): DiagnosticError {
  return new DiagnosticError(`No such ${what}`, `The inventory has no ${what} with this name. Check the name, or apply the configuration that creates it first.`, path);
}

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

export const hostDataSource = defineDataSource<ProviderContext>()({
  typeName: 'virtplane_host',
  description: 'Looks a host up by name, with the facts last read from it.',
  schema: lookupSchema(hostSchema, ['name'], 'Looks a host up by name.'),
  async read({ provider, config }) {
    const row = await provider.inventory.use((inventory) => inventory.hosts.getByName(String(config.name)));
    if (!row) throw notFound('host', ['name']);
    return hostToState(row);
  },
});
