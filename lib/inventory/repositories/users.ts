import type { SqlExecutor } from '../sqlExecutor.js';
import type { Uuid, User } from '../types.js';
import { tableOperations, type TableSpec } from './table.js';

export const USERS: TableSpec = {
  table: 'users',
  kind: 'user',
  hasUpdatedAt: false,
  columns: [
    { field: 'id', column: 'id' },
    { field: 'name', column: 'name', writable: true },
    { field: 'createdAt', column: 'created_at' },
  ],
};

export interface UserInput {
  readonly id?: Uuid;
  readonly name: string;
}

export interface UserRepository {
  create(input: UserInput): Promise<User>;
  upsert(input: UserInput & { readonly id: Uuid }): Promise<User>;
  get(id: Uuid): Promise<User | undefined>;
  require(id: Uuid): Promise<User>;
  getByName(name: string): Promise<User | undefined>;
  list(): Promise<readonly User[]>;
  rename(id: Uuid, name: string): Promise<User>;
  /** Also removes the user's permissions. */
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
    rename: (id, name) => table.update(id, { name }),
    delete: table.delete,
  };
}
