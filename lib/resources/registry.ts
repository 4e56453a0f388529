import type { AnyDataSourceDefinition } from '../framework/dataSource.js';
import type { AnyResourceDefinition } from '../framework/resource.js';
import type { ProviderContext } from './context/providerContext.js';
import { clusterResource } from './cluster/resource.js';
import { datacenterResource } from './datacenter/resource.js';
import { clusterDataSource, datacenterDataSource, hostDataSource } from './dataSources.js';
import { diskResource } from './disk/resource.js';
import { hostResource } from './host/resource.js';
import { iscsiTargetResource } from './iscsiTarget/resource.js';
import { networkResource } from './network/resource.js';
import { storageDomainResource } from './storageDomain/resource.js';
import { vmResource } from './vm/resource.js';
import { affinityGroupResource } from './affinityGroup/resource.js';

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
