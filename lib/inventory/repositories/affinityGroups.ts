/** Affinity groups: VMs kept together (positive) or apart, optionally tied to hosts, per cluster. */
import { randomUUID } from 'node:crypto';
import { translated } from '../dbErrors.js';
import { NotFoundError } from '../errors.js';
import type { DbRow, SqlExecutor } from '../sqlExecutor.js';
import type { AffinityGroup, AffinityGroupInput, Changes, Uuid } from '../types.js';
import { TIMESTAMP_COLUMNS, WORKSPACE_COLUMN, isUuid, mapRow, type Column } from './table.js';

const GROUP_COLUMNS: { readonly columns: readonly Column[] } = {
  columns: [
    { field: 'id', column: 'id' },
    { field: 'clusterId', column: 'cluster_id' },
    { field: 'name', column: 'name' },
    { field: 'positive', column: 'positive' },
    { field: 'enforcing', column: 'enforcing' },
    { field: 'vmIds', column: 'vm_ids' },
    { field: 'hostIds', column: 'host_ids' },
    WORKSPACE_COLUMN,
    ...TIMESTAMP_COLUMNS,
  ],
};

const SELECT_GROUPS = `
  SELECT g.*,
    ARRAY(SELECT v.vm_id::text FROM affinity_group_vms v WHERE v.group_id = g.id ORDER BY v.vm_id) AS vm_ids,
    ARRAY(SELECT h.host_id::text FROM affinity_group_hosts h WHERE h.group_id = g.id ORDER BY h.host_id) AS host_ids
  FROM affinity_groups g`;

export interface AffinityGroupRepository {
  create(input: AffinityGroupInput): Promise<AffinityGroup>;
  /** Insert or overwrite by id, members included. */
  upsert(input: AffinityGroupInput & { readonly id: Uuid }): Promise<AffinityGroup>;
  get(id: Uuid): Promise<AffinityGroup | undefined>;
  require(id: Uuid): Promise<AffinityGroup>;
  getByName(clusterId: Uuid, name: string): Promise<AffinityGroup | undefined>;
  list(clusterId?: Uuid): Promise<readonly AffinityGroup[]>;
  /** Groups naming this VM (what the scheduler must honour when placing it). */
  listForVm(vmId: Uuid): Promise<readonly AffinityGroup[]>;
  /** vmIds / hostIds, when given, replace the members. */
  update(id: Uuid, changes: Changes<Omit<AffinityGroupInput, 'id'>>): Promise<AffinityGroup>;
  delete(id: Uuid): Promise<void>;
}

async function replaceMembers(tx: SqlExecutor, id: Uuid, vmIds?: readonly Uuid[], hostIds?: readonly Uuid[]): Promise<void> {
  if (vmIds !== undefined) {
    await tx.query('DELETE FROM affinity_group_vms WHERE group_id = $1', [id]);
    await tx.query('INSERT INTO affinity_group_vms (group_id, vm_id) SELECT $1::uuid, member FROM unnest($2::uuid[]) AS member ON CONFLICT DO NOTHING', [
      id,
      vmIds,
    ]);
  }
  if (hostIds !== undefined) {
    await tx.query('DELETE FROM affinity_group_hosts WHERE group_id = $1', [id]);
    await tx.query('INSERT INTO affinity_group_hosts (group_id, host_id) SELECT $1::uuid, member FROM unnest($2::uuid[]) AS member ON CONFLICT DO NOTHING', [
      id,
      hostIds,
    ]);
  }
}

export function affinityGroupRepository(db: SqlExecutor): AffinityGroupRepository {
  const toGroup = (row: DbRow): AffinityGroup => mapRow<AffinityGroup>(GROUP_COLUMNS, row);

  async function select(where: string, params: readonly (string | null)[]): Promise<readonly AffinityGroup[]> {
    const { rows } = await db.query(`${SELECT_GROUPS} ${where} ORDER BY g.name, g.id`, params);
    return rows.map(toGroup);
  }

  async function write(input: AffinityGroupInput, id: Uuid, overwrite: boolean): Promise<AffinityGroup> {
    await translated({ kind: 'affinity_group', operation: 'write', name: input.name }, () =>
      db.transaction(async (tx) => {
        const conflict = overwrite
          ? ` ON CONFLICT (id) DO UPDATE SET cluster_id = EXCLUDED.cluster_id, name = EXCLUDED.name,
                positive = EXCLUDED.positive, enforcing = EXCLUDED.enforcing,
                created_by_workspace = COALESCE(EXCLUDED.created_by_workspace, affinity_groups.created_by_workspace), updated_at = now()`
          : '';
        await tx.query(
          `INSERT INTO affinity_groups (id, cluster_id, name, positive, enforcing, created_by_workspace) VALUES ($1, $2, $3, $4, $5, $6)${conflict}`,
          [id, input.clusterId, input.name, input.positive ?? true, input.enforcing ?? false, input.createdByWorkspace ?? null],
        );
        await replaceMembers(tx, id, input.vmIds ?? [], input.hostIds ?? []);
      }),
    );
    return repository.require(id);
  }

  const repository: AffinityGroupRepository = {
    create: (input) => write(input, input.id ?? randomUUID(), false),
    upsert: (input) => write(input, input.id, true),

    async get(id) {
      if (!isUuid(id)) return undefined;
      return (await select('WHERE g.id = $1', [id]))[0];
    },

    async require(id) {
      const group = await repository.get(id);
      if (!group) throw new NotFoundError('affinity_group', id);
      return group;
    },

    async getByName(clusterId, name) {
      if (!isUuid(clusterId)) return undefined;
      return (await select('WHERE g.cluster_id = $1 AND g.name = $2', [clusterId, name]))[0];
    },

    async list(clusterId) {
      if (clusterId === undefined) return select('', []);
      return isUuid(clusterId) ? select('WHERE g.cluster_id = $1', [clusterId]) : [];
    },

    async listForVm(vmId) {
      if (!isUuid(vmId)) return [];
      return select('WHERE EXISTS (SELECT 1 FROM affinity_group_vms v WHERE v.group_id = g.id AND v.vm_id = $1)', [vmId]);
    },

    async update(id, changes) {
      if (!isUuid(id)) throw new NotFoundError('affinity_group', id);
      const found = await translated({ kind: 'affinity_group', operation: 'write', name: changes.name }, () =>
        db.transaction(async (tx) => {
          const { rows } = await tx.query(
            `UPDATE affinity_groups SET cluster_id = COALESCE($2, cluster_id), name = COALESCE($3, name),
               positive = COALESCE($4, positive), enforcing = COALESCE($5, enforcing), updated_at = now()
             WHERE id = $1 RETURNING id`,
            [id, changes.clusterId ?? null, changes.name ?? null, changes.positive ?? null, changes.enforcing ?? null],
          );
          if (!rows[0]) return false;
          await replaceMembers(tx, id, changes.vmIds, changes.hostIds);
          return true;
        }),
      );
      if (!found) throw new NotFoundError('affinity_group', id);
      return repository.require(id);
    },

    async delete(id) {
      if (!isUuid(id)) throw new NotFoundError('affinity_group', id);
      const { rows } = await db.query('DELETE FROM affinity_groups WHERE id = $1 RETURNING id', [id]);
      if (!rows[0]) throw new NotFoundError('affinity_group', id);
    },
  };
  return repository;
}
