import { withWarningsOncePerRun, type AnyDataSourceDefinition, type AnyResourceDefinition } from '../framework/index.js';
import { affinityGroupResource } from './affinityGroup/index.js';
import { clusterDataSource, clusterResource } from './cluster/index.js';
import { clusterCapacityDataSource } from './clusterCapacity/index.js';
import type { ProviderContext } from './context/index.js';
import { datacenterDataSource, datacenterResource } from './datacenter/index.js';
import { diskResource } from './disk/index.js';
import { hostDataSource, hostResource } from './host/index.js';
import { imageResource } from './image/index.js';
import { iscsiTargetResource } from './iscsiTarget/index.js';
import { groupResource } from './group/index.js';
import { networkResource } from './network/index.js';
import { permissionResource } from './permission/index.js';
import { withPermitChecks } from './permits.js';
import { snapshotResource } from './snapshot/index.js';
import { roleDataSource, roleResource } from './role/index.js';
import { storageDomainResource } from './storageDomain/index.js';
import { templateResource } from './template/index.js';
import { userResource } from './user/index.js';
import { vmResource } from './vm/index.js';

/**
 * Every resource type and data source the virtplane provider serves. Add a definition here (from the
 * index.ts of its folder, lib/resources/<type>/) and it appears in the provider schema, validation,
 * docs and constructs.
 */
export const resources: readonly AnyResourceDefinition<ProviderContext>[] = (
  [
    datacenterResource,
    clusterResource,
    hostResource,
    networkResource,
    iscsiTargetResource,
    storageDomainResource,
    imageResource,
    templateResource,
    diskResource,
    vmResource,
    snapshotResource,
    affinityGroupResource,
    userResource,
    groupResource,
    roleResource,
    permissionResource,
  ] as AnyResourceDefinition<ProviderContext>[]
)
  // A plan's warnings once per Terraform run: the apply plans again, and would print them a second time.
  // Permits first: a login refused at plan gets only that (permits.ts).
  .map((definition) => withWarningsOncePerRun(withPermitChecks(definition)));

export const dataSources: readonly AnyDataSourceDefinition<ProviderContext>[] = [
  datacenterDataSource,
  clusterDataSource,
  hostDataSource,
  clusterCapacityDataSource,
  roleDataSource,
];
