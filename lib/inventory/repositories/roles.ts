/** Roles: named sets of permits. The built-in ones come with the schema (0006) and never change. */
import { InvalidValueError } from '../errors.js';
import { PERMIT_NAMES } from '../permits.js';
import type { SqlExecutor } from '../sqlExecutor.js';
import type { Role, Uuid } from '../types.js';
import { tableOperations, WORKSPACE_COLUMN, type TableSpec } from './table.js';

export const ROLES: TableSpec = {
  table: 'roles',
  kind: 'role',
  hasUpdatedAt: false,
  columns: [
    { field: 'id', column: 'id' },
    { field: 'name', column: 'name', writable: true },
    { field: 'description', column: 'description', writable: true },
    { field: 'permits', column: 'permits', writable: true },
    { field: 'builtin', column: 'builtin' },
    { field: 'createdAt', column: 'created_at' },
    WORKSPACE_COLUMN,
  ],
};

export interface RoleInput {
  readonly id?: Uuid;
  readonly name: string;
  readonly description?: string;
  readonly permits: readonly string[];
  readonly createdByWorkspace?: string | null;
}

export interface RoleRepository {
  create(input: RoleInput): Promise<Role>;
  get(id: Uuid): Promise<Role | undefined>;
  require(id: Uuid): Promise<Role>;
  getByName(name: string): Promise<Role | undefined>;
  /** The built-in roles (SuperUser, DataCenterAdmin, ClusterAdmin, UserVmManager, TemplateUser, Auditor) and the custom ones. */
  list(): Promise<readonly Role[]>;
  update(id: Uuid, changes: { readonly name?: string; readonly description?: string; readonly permits?: readonly string[] }): Promise<Role>;
  /** InUseError while granted; built-in roles cannot be deleted. */
  delete(id: Uuid): Promise<void>;
}

function checkPermits(permits: readonly string[]): void {
  const unknown = permits.filter((permit) => !(PERMIT_NAMES as readonly string[]).includes(permit));
  if (unknown.length > 0 || permits.length === 0) {
    throw new InvalidValueError(`A role's permits are one or more of ${PERMIT_NAMES.join(', ')}; got ${JSON.stringify(permits)}`);
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
      checkPermits(input.permits);
      return table.create(input);
    },
    get: table.get,
    require: table.require,
    getByName: (name) => table.findByName(name),
    list: () => table.list(),
    async update(id, changes) {
      if (changes.permits !== undefined) checkPermits(changes.permits);
      await requireCustom(id);
      return table.update(id, changes);
    },
    async delete(id) {
      await requireCustom(id);
      await table.delete(id);
    },
  };
}
