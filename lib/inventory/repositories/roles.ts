import { InvalidValueError } from '../errors.js';
import type { SqlExecutor } from '../sqlExecutor.js';
import type { Role, Uuid } from '../types.js';
import { tableOperations, type TableSpec } from './table.js';

export const ROLES: TableSpec = {
  table: 'roles',
  kind: 'role',
  hasUpdatedAt: false,
  columns: [
    { field: 'id', column: 'id' },
    { field: 'name', column: 'name', writable: true },
    { field: 'actions', column: 'actions', writable: true },
    { field: 'builtin', column: 'builtin' },
    { field: 'createdAt', column: 'created_at' },
  ],
};

/** "kind.verb" with * for any part: "vm.create", "vm.*", "*.read", "*". */
const ACTION_PATTERN = /^(\*|[a-z_]+)\.(\*|[a-z_]+)$|^\*$/;

export interface RoleInput {
  readonly id?: Uuid;
  readonly name: string;
  readonly actions: readonly string[];
}

export interface RoleRepository {
  create(input: RoleInput): Promise<Role>;
  get(id: Uuid): Promise<Role | undefined>;
  require(id: Uuid): Promise<Role>;
  getByName(name: string): Promise<Role | undefined>;
  /** Built-in roles (SuperUser, DataCenterAdmin, ClusterAdmin, HostAdmin, UserVmManager, ReadOnlyAdmin) first come with the schema. */
  list(): Promise<readonly Role[]>;
  setActions(id: Uuid, actions: readonly string[]): Promise<Role>;
  /** InUseError while granted; built-in roles cannot be deleted. */
  delete(id: Uuid): Promise<void>;
}

function checkActions(actions: readonly string[]): void {
  const bad = actions.filter((action) => !ACTION_PATTERN.test(action));
  if (bad.length > 0 || actions.length === 0) {
    throw new InvalidValueError(`Role actions must be "kind.verb" patterns such as "vm.create", "vm.*" or "*.read"; got ${JSON.stringify(actions)}`);
  }
}

export function roleRepository(db: SqlExecutor): RoleRepository {
  const table = tableOperations<Role, RoleInput>(db, ROLES);
  async function requireCustom(id: Uuid): Promise<void> {
    const role = await table.require(id);
    if (role.builtin) throw new InvalidValueError(`The role ${role.name} is built in and cannot be changed or deleted`);
  }
  return {
    async create(input) {
      checkActions(input.actions);
      return table.create(input);
    },
    get: table.get,
    require: table.require,
    getByName: (name) => table.findByName(name),
    list: () => table.list(),
    async setActions(id, actions) {
      checkActions(actions);
      await requireCustom(id);
      return table.update(id, { actions });
    },
    async delete(id) {
      await requireCustom(id);
      await table.delete(id);
    },
  };
}
