/** Create/read/update/delete for a table whose rows have a UUID id and a name, driven by a column map. */
import { randomUUID } from 'node:crypto';
import { translated } from '../dbErrors.js';
import { NotFoundError } from '../errors.js';
import type { DbRow, SqlExecutor, SqlParam } from '../sqlExecutor.js';
import type { Changes, EntityKind, Uuid } from '../types.js';

export interface Column {
  /** The camelCase property of the row object. */
  readonly field: string;
  readonly column: string;
  /** Set by create/update/upsert (otherwise maintained by the database). */
  readonly writable?: boolean;
  /** int8 columns arrive as strings from `pg`: read them back as numbers. */
  readonly int8?: boolean;
  /** A jsonb column: written as JSON text (null stays SQL NULL), read back as the object. */
  readonly json?: boolean;
}

export interface TableSpec {
  readonly table: string;
  readonly kind: EntityKind;
  readonly columns: readonly Column[];
  /** The field whose value scopes name uniqueness (e.g. datacenterId for clusters); absent: global. */
  readonly scopeField?: string;
  /** The field `list(parentId)` filters on (e.g. clusterId for hosts). */
  readonly parentField?: string;
  readonly hasUpdatedAt: boolean;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

export function mapRow<Row>(spec: { readonly columns: readonly Column[] }, row: DbRow): Row {
  const result: Record<string, unknown> = {};
  for (const { field, column, int8 } of spec.columns) {
    const value = row[column];
    result[field] = int8 && value !== null && value !== undefined ? Number(value) : value;
  }
  // The column map is what defines Row for each table; the cast states that correspondence.
  return result as Row;
}

/**
 * The token of the Terraform workspace whose apply created the row (migration 0003): set by create,
 * left alone by an upsert or an update that does not name it.
 */
export const WORKSPACE_COLUMN: Column = { field: 'createdByWorkspace', column: 'created_by_workspace', writable: true };

/** Timestamps every table with them shares. */
export const TIMESTAMP_COLUMNS: readonly Column[] = [
  { field: 'createdAt', column: 'created_at' },
  { field: 'updatedAt', column: 'updated_at' },
];

function column(spec: TableSpec, field: string): Column {
  const found = spec.columns.find((candidate) => candidate.field === field);
  if (!found) throw new Error(`${spec.table} has no field ${field}`);
  return found;
}

/** The writable fields present in `input`, as [column, value]. */
function presentValues(spec: TableSpec, input: object): Array<[string, SqlParam]> {
  const values: Array<[string, SqlParam]> = [];
  for (const { field, column: name, writable, json } of spec.columns) {
    if (!writable) continue;
    const value = (input as Record<string, unknown>)[field];
    if (value === undefined) continue;
    values.push([name, json && value !== null ? JSON.stringify(value) : (value as SqlParam)]);
  }
  return values;
}

export interface TableOperations<Row, Input extends { readonly id?: Uuid }> {
  create(input: Input): Promise<Row>;
  upsert(input: Input & { readonly id: Uuid }): Promise<Row>;
  get(id: Uuid): Promise<Row | undefined>;
  require(id: Uuid): Promise<Row>;
  findByName(name: string, scopeId?: Uuid): Promise<Row | undefined>;
  list(parentId?: Uuid): Promise<readonly Row[]>;
  update(id: Uuid, changes: Changes<Omit<Input, 'id'>>): Promise<Row>;
  delete(id: Uuid): Promise<void>;
}

export function tableOperations<Row, Input extends { readonly id?: Uuid; readonly name?: string }>(
  db: SqlExecutor,
  spec: TableSpec,
): TableOperations<Row, Input> {
  const toRow = (row: DbRow): Row => mapRow<Row>(spec, row);
  const write = { kind: spec.kind, operation: 'write' } as const;

  async function insert(input: Input, id: Uuid, onConflictUpdate: boolean): Promise<Row> {
    const values = presentValues(spec, input);
    const columns = ['id', ...values.map(([name]) => name)];
    const placeholders = columns.map((_, index) => `$${index + 1}`);
    const updates = values.map(([name]) => `${name} = EXCLUDED.${name}`);
    if (spec.hasUpdatedAt) updates.push('updated_at = now()');
    const conflict = onConflictUpdate ? ` ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}` : '';
    const text = `INSERT INTO ${spec.table} (${columns.join(', ')}) VALUES (${placeholders.join(', ')})${conflict} RETURNING *`;
    return translated({ ...write, name: input.name }, async () => {
      const { rows } = await db.query(text, [id, ...values.map(([, value]) => value)]);
      return toRow(rows[0] as DbRow);
    });
  }

  const operations: TableOperations<Row, Input> = {
    create: (input) => insert(input, input.id ?? randomUUID(), false),
    upsert: (input) => insert(input, input.id, true),

    async get(id) {
      if (!isUuid(id)) return undefined;
      const { rows } = await db.query(`SELECT * FROM ${spec.table} WHERE id = $1`, [id]);
      return rows[0] ? toRow(rows[0]) : undefined;
    },

    async require(id) {
      const row = await operations.get(id);
      if (row === undefined) throw new NotFoundError(spec.kind, id);
      return row;
    },

    async findByName(name, scopeId) {
      const scope = spec.scopeField ? column(spec, spec.scopeField).column : undefined;
      if (scope && (scopeId === undefined || !isUuid(scopeId))) return undefined;
      const text = `SELECT * FROM ${spec.table} WHERE name = $1${scope ? ` AND ${scope} = $2` : ''}`;
      const { rows } = await db.query(text, scope ? [name, scopeId as string] : [name]);
      return rows[0] ? toRow(rows[0]) : undefined;
    },

    async list(parentId) {
      const parent = spec.parentField && parentId !== undefined ? column(spec, spec.parentField).column : undefined;
      if (parent && !isUuid(parentId as string)) return [];
      const where = parent ? ` WHERE ${parent} = $1` : '';
      const { rows } = await db.query(`SELECT * FROM ${spec.table}${where} ORDER BY name, id`, parent ? [parentId as string] : []);
      return rows.map(toRow);
    },

    async update(id, changes) {
      const values = presentValues(spec, changes);
      if (values.length === 0) return operations.require(id);
      if (!isUuid(id)) throw new NotFoundError(spec.kind, id);
      const assignments = values.map(([name], index) => `${name} = $${index + 2}`);
      if (spec.hasUpdatedAt) assignments.push('updated_at = now()');
      const text = `UPDATE ${spec.table} SET ${assignments.join(', ')} WHERE id = $1 RETURNING *`;
      const name = (changes as { readonly name?: string }).name;
      const { rows } = await translated({ ...write, name }, () => db.query(text, [id, ...values.map(([, value]) => value)]));
      if (!rows[0]) throw new NotFoundError(spec.kind, id);
      return toRow(rows[0]);
    },

    async delete(id) {
      if (!isUuid(id)) throw new NotFoundError(spec.kind, id);
      // Permissions given on the row go with it: a trigger of the database does that (0006_rbac).
      const deleted = await translated({ kind: spec.kind, operation: 'delete', id }, async () => {
        const { rows } = await db.query(`DELETE FROM ${spec.table} WHERE id = $1 RETURNING id`, [id]);
        return rows.length;
      });
      if (deleted === 0) throw new NotFoundError(spec.kind, id);
    },
  };
  return operations;
}

/** The operations every repository exposes as they are (name lookups and lists differ per table). */
export function crudOf<Row, Input extends { readonly id?: Uuid }>(operations: TableOperations<Row, Input>) {
  const { create, upsert, get, require, update } = operations;
  return { create, upsert, get, require, update, delete: operations.delete };
}
