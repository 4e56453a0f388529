/** Groups of users: a role given to a group is held by each of its members. */
import { randomUUID } from 'node:crypto';
import { translated } from '../dbErrors.js';
import { NotFoundError } from '../errors.js';
import type { DbRow, SqlExecutor } from '../sqlExecutor.js';
import type { Group, Uuid } from '../types.js';
import { WORKSPACE_COLUMN, isUuid, mapRow, tableOperations, type Column, type TableSpec } from './table.js';

const GROUPS: TableSpec = {
  table: 'groups',
  kind: 'group',
  hasUpdatedAt: false,
  columns: [
    { field: 'id', column: 'id' },
    { field: 'name', column: 'name', writable: true },
    { field: 'description', column: 'description', writable: true },
    { field: 'createdAt', column: 'created_at' },
    WORKSPACE_COLUMN,
  ],
};

const GROUP_COLUMNS: { readonly columns: readonly Column[] } = { columns: [...GROUPS.columns, { field: 'memberIds', column: 'member_ids' }] };

const SELECT_GROUPS = `
  SELECT g.*, ARRAY(SELECT m.user_id::text FROM group_members m WHERE m.group_id = g.id ORDER BY m.user_id) AS member_ids
  FROM groups g`;

export interface GroupInput {
  readonly id?: Uuid;
  readonly name: string;
  readonly description?: string;
  readonly memberIds?: readonly Uuid[];
  readonly createdByWorkspace?: string | null;
}

export interface GroupRepository {
  create(input: GroupInput): Promise<Group>;
  get(id: Uuid): Promise<Group | undefined>;
  require(id: Uuid): Promise<Group>;
  getByName(name: string): Promise<Group | undefined>;
  list(): Promise<readonly Group[]>;
  /** memberIds, when given, replace the members. */
  update(id: Uuid, changes: { readonly name?: string; readonly description?: string; readonly memberIds?: readonly Uuid[] }): Promise<Group>;
  /** Also removes the group's permissions and memberships. */
  delete(id: Uuid): Promise<void>;
}

export function groupRepository(db: SqlExecutor): GroupRepository {
  const table = tableOperations<Group, GroupInput>(db, GROUPS);
  const toGroup = (row: DbRow): Group => mapRow<Group>(GROUP_COLUMNS, row);

  async function select(where: string, params: readonly string[]): Promise<readonly Group[]> {
    const { rows } = await db.query(`${SELECT_GROUPS} ${where} ORDER BY g.name, g.id`, params);
    return rows.map(toGroup);
  }

  async function replaceMembers(tx: SqlExecutor, id: Uuid, memberIds: readonly Uuid[]): Promise<void> {
    await tx.query('DELETE FROM group_members WHERE group_id = $1', [id]);
    await tx.query('INSERT INTO group_members (group_id, user_id) SELECT $1::uuid, member FROM unnest($2::uuid[]) AS member ON CONFLICT DO NOTHING', [
      id,
      memberIds,
    ]);
  }

  const repository: GroupRepository = {
    async create(input) {
      const id = input.id ?? randomUUID();
      await translated({ kind: 'group', operation: 'write', name: input.name }, () =>
        db.transaction(async (tx) => {
          await tableOperations<Group, GroupInput>(tx, GROUPS).create({ ...input, id });
          await replaceMembers(tx, id, input.memberIds ?? []);
        }),
      );
      return repository.require(id);
    },
    async get(id) {
      if (!isUuid(id)) return undefined;
      return (await select('WHERE g.id = $1', [id]))[0];
    },
    async require(id) {
      const group = await repository.get(id);
      if (!group) throw new NotFoundError('group', id);
      return group;
    },
    async getByName(name) {
      return (await select('WHERE g.name = $1', [name]))[0];
    },
    list: () => select('', []),
    async update(id, changes) {
      await translated({ kind: 'group', operation: 'write', ...(changes.name ? { name: changes.name } : {}) }, () =>
        db.transaction(async (tx) => {
          const { memberIds, ...columns } = changes;
          await tableOperations<Group, GroupInput>(tx, GROUPS).update(id, columns);
          if (memberIds !== undefined) await replaceMembers(tx, id, memberIds);
        }),
      );
      return repository.require(id);
    },
    delete: table.delete,
  };
  return repository;
}
