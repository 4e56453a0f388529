import type { AnyDataSourceDefinition } from '../resources/framework/dataSource.js';
import type { AnyResourceDefinition } from '../resources/framework/resource.js';
import type { ProviderContext } from '../resources/providerContext.js';
import { clusterResource } from '../resources/cluster.js';
import { datacenterResource } from '../resources/datacenter.js';
import { clusterDataSource, datacenterDataSource, hostDataSource } from '../resources/dataSources.js';
import { diskResource } from '../resources/disk.js';
import { hostResource } from '../resources/host.js';
import { iscsiTargetResource } from '../resources/iscsiTarget.js';
import { networkResource } from '../resources/network.js';
import { storageDomainResource } from '../resources/storageDomain.js';
import { vmResource } from '../resources/vm.js';
import { affinityGroupResource } from '../resources/affinityGroup.js';

/**
 * Every resource type and data source the virtplane provider serves. Add a definition here
 * (from lib/resources/<type>.ts) and it appears in the provider schema, validation and docs.
 */
export const resources: readonly AnyResourceDefinition<ProviderContext>[] = [
  datacenterResource,
  clusterResource,
  hostResource,
  networkResource,
  iscsiTargetResource,
  storageDomainResource,
  diskResource,
  vmResource,
  affinityGroupResource,
];

export const dataSources: readonly AnyDataSourceDefinition<ProviderContext>[] = [datacenterDataSource, clusterDataSource, hostDataSource];
