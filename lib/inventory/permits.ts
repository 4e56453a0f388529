/**
 * The permits a role may hold and the built-in roles, as the code knows them. The database has its own
 * copy in migration 0006 (a released migration never changes); test/inventory/rbac.test.ts checks that
 * the two agree.
 */

/** Every permit, with what it allows (docs and the role resource's validation are made from this). */
export const PERMITS = {
  'datacenter.manage': 'create a data center (on the system), change or delete one',
  'cluster.manage': 'create, change or delete clusters and their affinity groups',
  'host.manage': 'add, change (maintenance, power management) or remove hosts',
  'network.manage': 'create, change or delete logical networks',
  'network.use': "connect a VM's NIC to the network",
  'storage.manage': 'create or delete storage domains, iSCSI targets, images and templates',
  'disk.create': 'create or change disks',
  'disk.delete': 'delete disks',
  'disk.attach': 'attach a disk to a VM',
  'template.use': 'clone disks or VMs from the template',
  'vm.create': 'create VMs and change their definition',
  'vm.delete': 'delete VMs',
  'vm.migrate': 'move a VM to another host (live or cold)',
  'vm.power': 'start and stop VMs (the running attribute)',
  'vm.console': 'give a VM a graphical console (vnc, spice)',
  'role.grant': 'give roles on the object to users and groups, and take them back',
  'user.manage': 'create users, groups and custom roles (on the system)',
} as const;

export type Permit = keyof typeof PERMITS;

export const PERMIT_NAMES = Object.keys(PERMITS) as Permit[];

/** The built-in roles' fixed ids: the same in every inventory, so a configuration may name them directly. */
export const BUILTIN_ROLE_IDS = {
  SuperUser: '00000000-0000-4000-8000-000000000001',
  DataCenterAdmin: '00000000-0000-4000-8000-000000000002',
  ClusterAdmin: '00000000-0000-4000-8000-000000000003',
  UserVmManager: '00000000-0000-4000-8000-000000000004',
  TemplateUser: '00000000-0000-4000-8000-000000000005',
  Auditor: '00000000-0000-4000-8000-000000000006',
} as const;

export type BuiltinRoleName = keyof typeof BUILTIN_ROLE_IDS;

/** The kinds of object a role is given on, outermost first. */
export const PERMISSION_OBJECT_TYPES = ['system', 'datacenter', 'cluster', 'host', 'network', 'storage_domain', 'disk', 'template', 'vm'] as const;
