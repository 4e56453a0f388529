/** Users: on a shared PostgreSQL inventory, each one's name is a database login (access.ts makes it). */
import type { SqlExecutor } from '../sqlExecutor.js';
import type { Uuid, User } from '../types.js';
import { tableOperations, WORKSPACE_COLUMN, type TableSpec } from './table.js';

export const USERS: TableSpec = {
  table: 'users',
  kind: 'user',
  hasUpdatedAt: false,
  columns: [{ field: 'id', column: 'id' }, { field: 'name', column: 'name', writable: true }, { field: 'createdAt', column: 'created_at' }, WORKSPACE_COLUMN],
};

export interface UserInput {
  readonly id?: Uuid;
  readonly name: string;
  readonly createdByWorkspace?: string | null;
}

export interface UserRepository {
  create(input: UserInput): Promise<User>;
  upsert(input: UserInput & { readonly id: Uuid }): Promise<User>;
  get(id: Uuid): Promise<User | undefined>;
  require(id: Uuid): Promise<User>;
  getByName(name: string): Promise<User | undefined>;
  list(): Promise<readonly User[]>;
  /** Also removes the user's permissions and group memberships. */
  delete(id: Uuid): Promise<void>;
}

export function userRepository(db: SqlExecutor): UserRepository {
  const table = tableOperations<User, UserInput>(db, USERS);
  return {
    create: table.create,
    upsert: table.upsert,
    get: table.get,
    require: table.require,
    getByName: (name) => table.findByName(name),
    list: () => table.list(),
    delete: table.delete,
  };
}
