/**
 * What each resource type needs of the acting login, in one table (docs/rbac.md describes it): which
 * permit, on which object, to create, change or destroy it. Checked at plan (shared/permitCheck.ts)
 * before the resource's own plan runs; the database enforces the same at apply for everything the
 * inventory holds (migration 0006).
 */
import { DiagnosticsError, isUnknown, type AnyResourceDefinition } from '../framework/index.js';
import type { ProviderContext } from './context/index.js';
import { missingPermits, type PermitNeed } from './shared/index.js';

type Values = { readonly [key: string]: unknown };

interface PermitRule {
  create(planned: Values): PermitNeed[];
  /** Only the attributes that change (`changed`): a plan with nothing to do needs nothing. */
  update(prior: Values, planned: Values, changed: ReadonlySet<string>): PermitNeed[];
  delete(prior: Values): PermitNeed[];
}

const onSystem = (permit: PermitNeed['permit']): PermitNeed => ({ permit, type: 'system', id: null });

/** The same permit on the parent for a create and on the object itself for a change or a destroy. */
function managed(
  permit: PermitNeed['permit'],
  parent: { readonly type: PermitNeed['type']; readonly attribute: string } | 'system',
  self: PermitNeed['type'],
): PermitRule {
  const own = (values: Values): PermitNeed[] => [{ permit, type: self, id: values.id }];
  return {
    create: (planned) => (parent === 'system' ? [onSystem(permit)] : [{ permit, type: parent.type, id: planned[parent.attribute], path: [parent.attribute] }]),
    update: (prior) => own(prior),
    delete: own,
  };
}

const onSystemOnly = (permit: PermitNeed['permit']): PermitRule => ({
  create: () => [onSystem(permit)],
  update: () => [onSystem(permit)],
  delete: () => [onSystem(permit)],
});

function blocks(values: Values, name: string): Values[] {
  const value = values[name];
  return Array.isArray(value) ? (value.filter((item) => item !== null && typeof item === 'object') as Values[]) : [];
}

/** The disks and networks a VM's blocks name that the prior state did not. */
function newReferences(prior: Values | null, planned: Values, block: string, attribute: string): unknown[] {
  const before = new Set(prior === null ? [] : blocks(prior, block).map((item) => item[attribute]));
  return blocks(planned, block)
    .map((item) => item[attribute])
    .filter((id) => !before.has(id));
}

const VM_COMPUTED = new Set(['id', 'current_host_id', 'state', 'macs', 'ip_addresses']);

function vmUses(prior: Values | null, planned: Values, where: { readonly type: PermitNeed['type']; readonly id: unknown }): PermitNeed[] {
  const needs: PermitNeed[] = [];
  for (const diskId of newReferences(prior, planned, 'disk', 'disk_id')) needs.push({ permit: 'disk.attach', type: 'disk', id: diskId, path: ['disk'] });
  for (const networkId of newReferences(prior, planned, 'nic', 'network_id'))
    needs.push({ permit: 'network.use', type: 'network', id: networkId, path: ['nic'] });
  if (typeof planned.template_id === 'string' && planned.template_id !== prior?.template_id) {
    needs.push({ permit: 'template.use', type: 'template', id: planned.template_id, path: ['template_id'] });
  }
  if (planned.graphics !== 'none' && planned.graphics !== null && planned.graphics !== prior?.graphics) {
    needs.push({ permit: 'vm.console', ...where, path: ['graphics'] });
  }
  if (planned.running === true && prior?.running !== true) needs.push({ permit: 'vm.power', ...where, path: ['running'] });
  return needs;
}

const VM_RULE: PermitRule = {
  create: (planned) => [
    { permit: 'vm.create', type: 'cluster', id: planned.cluster_id, path: ['cluster_id'] },
    ...vmUses(null, planned, { type: 'cluster', id: planned.cluster_id }),
  ],
  update(prior, planned, changed) {
    const self = { type: 'vm' as const, id: prior.id };
    const needs = vmUses(prior, planned, self);
    if (changed.has('host_id')) needs.push({ permit: 'vm.migrate', ...self, path: ['host_id'] });
    if (changed.has('running') && planned.running === false) needs.push({ permit: 'vm.power', ...self, path: ['running'] });
    const definition = [...changed].filter((key) => !VM_COMPUTED.has(key) && key !== 'host_id' && key !== 'running');
    if (definition.length > 0) needs.push({ permit: 'vm.create', ...self, path: [definition[0]!] });
    return needs;
  },
  delete: (prior) => [{ permit: 'vm.delete', type: 'vm', id: prior.id }],
};

const DISK_RULE: PermitRule = {
  create: (planned) => [
    { permit: 'disk.create', type: 'storage_domain', id: planned.storage_domain_id, path: ['storage_domain_id'] },
    ...(typeof planned.source_template_id === 'string'
      ? [{ permit: 'template.use' as const, type: 'template' as const, id: planned.source_template_id, path: ['source_template_id'] }]
      : []),
  ],
  update: (prior) => [{ permit: 'disk.create', type: 'disk', id: prior.id }],
  delete: (prior) => [{ permit: 'disk.delete', type: 'disk', id: prior.id }],
};

const RULES: Readonly<Record<string, PermitRule>> = {
  virtplane_datacenter: managed('datacenter.manage', 'system', 'datacenter'),
  virtplane_cluster: managed('cluster.manage', { type: 'datacenter', attribute: 'datacenter_id' }, 'cluster'),
  virtplane_host: managed('host.manage', { type: 'cluster', attribute: 'cluster_id' }, 'host'),
  virtplane_network: managed('network.manage', { type: 'datacenter', attribute: 'datacenter_id' }, 'network'),
  virtplane_iscsi_target: onSystemOnly('storage.manage'),
  virtplane_storage_domain: managed('storage.manage', { type: 'datacenter', attribute: 'datacenter_id' }, 'storage_domain'),
  virtplane_image: managed('storage.manage', { type: 'storage_domain', attribute: 'storage_domain_id' }, 'disk'),
  virtplane_template: managed('storage.manage', { type: 'datacenter', attribute: 'datacenter_id' }, 'template'),
  virtplane_disk: DISK_RULE,
  virtplane_vm: VM_RULE,
  // A snapshot changes the VM's disks (an overlay each), a merge or revert too: a change of its definition.
  virtplane_snapshot: {
    create: (planned) => [{ permit: 'vm.create', type: 'vm', id: planned.vm_id, path: ['vm_id'] }],
    update: (prior) => [{ permit: 'vm.create', type: 'vm', id: prior.vm_id }],
    delete: (prior) => [{ permit: 'vm.create', type: 'vm', id: prior.vm_id }],
  },
  virtplane_affinity_group: {
    create: (planned) => [{ permit: 'cluster.manage', type: 'cluster', id: planned.cluster_id, path: ['cluster_id'] }],
    update: (prior) => [{ permit: 'cluster.manage', type: 'cluster', id: prior.cluster_id }],
    delete: (prior) => [{ permit: 'cluster.manage', type: 'cluster', id: prior.cluster_id }],
  },
  virtplane_user: onSystemOnly('user.manage'),
  virtplane_group: onSystemOnly('user.manage'),
  virtplane_role: onSystemOnly('user.manage'),
  virtplane_permission: {
    create: (planned) => [{ permit: 'role.grant', type: planned.object_type as PermitNeed['type'], id: planned.object_id ?? null, path: ['object_id'] }],
    update: () => [],
    delete: (prior) => [{ permit: 'role.grant', type: prior.object_type as PermitNeed['type'], id: prior.object_id ?? null }],
  },
};

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The attributes a plan changes: known planned values that differ from the prior state. */
function changedAttributes(prior: Values, planned: Values): Set<string> {
  return new Set(Object.keys(planned).filter((key) => !isUnknown(planned[key]) && !sameValue(prior[key], planned[key])));
}

/**
 * What a planned change needs: a create (prior null), a change (both), or a destroy (planned null).
 * Undefined for a type without a rule.
 */
export function permitNeeds(typeName: string, prior: Values | null, planned: Values | null): PermitNeed[] | undefined {
  const rule = RULES[typeName];
  if (rule === undefined) return undefined;
  if (planned === null) return prior === null ? [] : rule.delete(prior);
  if (prior === null) return rule.create(planned);
  const changed = changedAttributes(prior, planned);
  return changed.size === 0 ? [] : rule.update(prior, planned, changed);
}

/** The resource, its plan and destroy plan first checking the acting login's permits (resource types without a rule: unchecked). */
export function withPermitChecks(definition: AnyResourceDefinition<ProviderContext>): AnyResourceDefinition<ProviderContext> {
  const rule = RULES[definition.typeName];
  if (rule === undefined) return definition;
  const plan = definition.plan?.bind(definition);
  const planDestroy = definition.planDestroy?.bind(definition);
  return {
    ...definition,
    async plan(request) {
      const needs = permitNeeds(definition.typeName, request.prior as Values | null, request.planned as Values) ?? [];
      const denied = needs.length === 0 ? [] : await missingPermits(request.provider, needs);
      if (denied.length > 0) return { diagnostics: denied };
      return plan?.(request);
    },
    async planDestroy(request) {
      const denied = await missingPermits(request.provider, permitNeeds(definition.typeName, request.prior as Values, null) ?? []);
      if (denied.length > 0) throw new DiagnosticsError(denied);
      return planDestroy?.(request);
    },
  } as AnyResourceDefinition<ProviderContext>;
}

/** The resource types with a permit rule (a test checks that every resource has one). */
export const PERMIT_RULE_TYPES: readonly string[] = Object.keys(RULES);
