/**
 * Users, groups, roles and permissions, enforced by PostgreSQL itself. On a shared PostgreSQL inventory
 * every virtplane user is a database login (a member of the NOLOGIN role `virtplane_user`); what a login
 * may change is decided by row-level security policies that ask `virtplane_permitted(login, permit,
 * object)`, so hand-written SQL gets exactly what the provider gets. The administrator (the role that
 * owns the tables, or a superuser) is not subject to the policies: on the embedded inventory, PGlite's
 * single user is that administrator.
 *
 * Reading: any login holding a role anywhere reads the whole inventory (placement and capacity need every
 * host and VM of a cluster); a login with no role reads nothing. Writing: per table and operation, the
 * permit named below on the row's object (or, for a new row, on the object that will contain it).
 * Permissions are inherited down the tree: system > data center > cluster > host / VM, data center >
 * network / storage domain > disk / template.
 *
 * The built-in roles get fixed ids (the same in every inventory) and cannot be changed or deleted, not
 * even by the administrator (a trigger refuses it). The permits are a closed list (roles_permits_known):
 * a new permit is a new migration. The unused "actions" patterns and built-in roles of 0001 are replaced.
 */
export const version = 6;
export const name = 'rbac';

/** Every permit a role may hold, as the roles_permits_known constraint of this version lists them. */
const PERMITS = [
  'datacenter.manage',
  'cluster.manage',
  'host.manage',
  'network.manage',
  'network.use',
  'storage.manage',
  'disk.create',
  'disk.delete',
  'disk.attach',
  'template.use',
  'vm.create',
  'vm.delete',
  'vm.migrate',
  'vm.power',
  'vm.console',
  'role.grant',
  'user.manage',
];

const VM_USE = ['vm.create', 'vm.delete', 'vm.power', 'vm.console', 'disk.create', 'disk.delete', 'disk.attach', 'network.use', 'template.use'];

/** [fixed id, name, description, permits] */
const BUILTIN_ROLES: ReadonlyArray<readonly [string, string, string, readonly string[]]> = [
  ['00000000-0000-4000-8000-000000000001', 'SuperUser', 'Everything, everywhere.', PERMITS],
  [
    '00000000-0000-4000-8000-000000000002',
    'DataCenterAdmin',
    'Administers a data center: its clusters, hosts, networks, storage, disks and VMs; grants roles in it.',
    PERMITS.filter((permit) => permit !== 'user.manage'),
  ],
  [
    '00000000-0000-4000-8000-000000000003',
    'ClusterAdmin',
    'Administers a cluster: its hosts and VMs (including migration); grants roles in it.',
    ['cluster.manage', 'host.manage', ...VM_USE, 'vm.migrate', 'role.grant'],
  ],
  ['00000000-0000-4000-8000-000000000004', 'UserVmManager', 'Creates, runs and deletes VMs and their disks; no migration, no hosts.', VM_USE],
  ['00000000-0000-4000-8000-000000000005', 'TemplateUser', 'Uses templates and networks for VMs made elsewhere.', ['template.use', 'network.use']],
  ['00000000-0000-4000-8000-000000000006', 'Auditor', 'Reads the inventory and its audit log; changes nothing.', []],
];

const list = (values: readonly string[]): string => `ARRAY[${values.map((value) => `'${value}'`).join(', ')}]::text[]`;

/** A policy check: the permit on (object type, object id expression) for the acting login. */
const permitted = (permit: string, type: string, id: string): string => `virtplane_permitted(current_user, '${permit}', ${type}, (${id})::text)`;

interface TableRule {
  readonly table: string;
  /** A new row (INSERT, and the new version of an updated row). */
  readonly insert: string;
  /** The existing row, for UPDATE. */
  readonly update: string;
  /** The existing row, for DELETE. */
  readonly delete: string;
}

const GROUP_CLUSTER = `(SELECT g.cluster_id FROM affinity_groups g WHERE g.id = group_id)`;
const ADMIN_ONLY = permitted('user.manage', "'system'", 'NULL');

const RULES: readonly TableRule[] = [
  {
    table: 'datacenters',
    insert: permitted('datacenter.manage', "'system'", 'NULL'),
    update: permitted('datacenter.manage', "'datacenter'", 'id'),
    delete: permitted('datacenter.manage', "'datacenter'", 'id'),
  },
  {
    table: 'clusters',
    insert: permitted('cluster.manage', "'datacenter'", 'datacenter_id'),
    update: permitted('cluster.manage', "'cluster'", 'id'),
    delete: permitted('cluster.manage', "'cluster'", 'id'),
  },
  {
    table: 'hosts',
    insert: permitted('host.manage', "'cluster'", 'cluster_id'),
    update: permitted('host.manage', "'host'", 'id'),
    delete: permitted('host.manage', "'host'", 'id'),
  },
  {
    table: 'networks',
    insert: permitted('network.manage', "'datacenter'", 'datacenter_id'),
    update: permitted('network.manage', "'network'", 'id'),
    delete: permitted('network.manage', "'network'", 'id'),
  },
  {
    table: 'storage_domains',
    insert: permitted('storage.manage', "'datacenter'", 'datacenter_id'),
    update: permitted('storage.manage', "'storage_domain'", 'id'),
    delete: permitted('storage.manage', "'storage_domain'", 'id'),
  },
  {
    table: 'disks',
    insert: permitted('disk.create', "'storage_domain'", 'storage_domain_id'),
    update: permitted('disk.create', "'disk'", 'id'),
    delete: permitted('disk.delete', "'disk'", 'id'),
  },
  {
    // A move to another host (vm.migrate) versus any other change (vm.create) is told apart by
    // virtplane_vm_placement_guard below: a policy sees one row version at a time.
    table: 'vm_placements',
    insert: permitted('vm.create', "'cluster'", 'cluster_id'),
    update: `(${permitted('vm.create', "'vm'", 'vm_id')} OR ${permitted('vm.migrate', "'vm'", 'vm_id')})`,
    delete: permitted('vm.delete', "'vm'", 'vm_id'),
  },
  {
    table: 'affinity_groups',
    insert: permitted('cluster.manage', "'cluster'", 'cluster_id'),
    update: permitted('cluster.manage', "'cluster'", 'cluster_id'),
    delete: permitted('cluster.manage', "'cluster'", 'cluster_id'),
  },
  {
    table: 'affinity_group_vms',
    insert: permitted('cluster.manage', "'cluster'", GROUP_CLUSTER),
    update: permitted('cluster.manage', "'cluster'", GROUP_CLUSTER),
    delete: permitted('cluster.manage', "'cluster'", GROUP_CLUSTER),
  },
  {
    table: 'affinity_group_hosts',
    insert: permitted('cluster.manage', "'cluster'", GROUP_CLUSTER),
    update: permitted('cluster.manage', "'cluster'", GROUP_CLUSTER),
    delete: permitted('cluster.manage', "'cluster'", GROUP_CLUSTER),
  },
  { table: 'users', insert: ADMIN_ONLY, update: ADMIN_ONLY, delete: ADMIN_ONLY },
  { table: 'groups', insert: ADMIN_ONLY, update: ADMIN_ONLY, delete: ADMIN_ONLY },
  { table: 'group_members', insert: ADMIN_ONLY, update: ADMIN_ONLY, delete: ADMIN_ONLY },
  { table: 'roles', insert: ADMIN_ONLY, update: ADMIN_ONLY, delete: ADMIN_ONLY },
  {
    table: 'permissions',
    insert: permitted('role.grant', 'object_type', 'object_id'),
    update: permitted('role.grant', 'object_type', 'object_id'),
    delete: permitted('role.grant', 'object_type', 'object_id'),
  },
];

/** Readable by every login holding a role; written by the engine (the administrator) only. */
const READ_ONLY_TABLES = ['host_statistics', 'vm_statistics', 'host_health', 'ha_events', 'engine_leases', 'ha_vm_definitions'];

function tablePolicies(rule: TableRule): string {
  const { table } = rule;
  return `
ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
CREATE POLICY ${table}_read ON ${table} FOR SELECT USING ((SELECT virtplane_may_read(current_user)));
CREATE POLICY ${table}_insert ON ${table} FOR INSERT WITH CHECK (${rule.insert});
CREATE POLICY ${table}_update ON ${table} FOR UPDATE USING (${rule.update}) WITH CHECK (${rule.insert});
CREATE POLICY ${table}_delete ON ${table} FOR DELETE USING (${rule.delete});
GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO virtplane_user;`;
}

export const sql = `
-- The role every virtplane login is a member of. Roles are the server's, shared by its databases:
-- created once, then reused by every inventory on the same server.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'virtplane_user') THEN
    CREATE ROLE virtplane_user NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object THEN
  NULL; -- another database's migration made it at the same moment
END
$$;

DELETE FROM permissions;
DELETE FROM roles WHERE builtin;
ALTER TABLE roles RENAME COLUMN actions TO permits;
ALTER TABLE roles ADD COLUMN description text NOT NULL DEFAULT '';
ALTER TABLE roles ADD COLUMN created_by_workspace text;
ALTER TABLE roles ADD CONSTRAINT roles_permits_known CHECK (permits <@ ${list(PERMITS)});
ALTER TABLE roles ADD CONSTRAINT roles_permits_not_empty CHECK (builtin OR cardinality(permits) > 0);
INSERT INTO roles (id, name, description, permits, builtin) VALUES
${BUILTIN_ROLES.map(([id, role, description, permits]) => `  ('${id}', '${role}', '${description}', ${list(permits)}, true)`).join(',\n')};

-- A user's name is their PostgreSQL login.
ALTER TABLE users ADD COLUMN created_by_workspace text;
ALTER TABLE users ADD CONSTRAINT users_name_login CHECK (name ~ '^[a-z_][a-z0-9_]{0,62}$');

CREATE TABLE groups (
  id uuid PRIMARY KEY,
  name text NOT NULL CONSTRAINT groups_name_not_blank CHECK (btrim(name) <> ''),
  description text NOT NULL DEFAULT '',
  created_by_workspace text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT groups_name_unique UNIQUE (name)
);

CREATE TABLE group_members (
  group_id uuid NOT NULL CONSTRAINT group_members_group_fk REFERENCES groups (id) ON DELETE CASCADE,
  user_id uuid NOT NULL CONSTRAINT group_members_user_fk REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user_idx ON group_members (user_id);

-- A permission is held by a user or a group, on any object (disks and templates have text ids).
ALTER TABLE permissions ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE permissions ADD COLUMN group_id uuid CONSTRAINT permissions_group_fk REFERENCES groups (id) ON DELETE CASCADE;
ALTER TABLE permissions ADD COLUMN created_by_workspace text;
ALTER TABLE permissions ADD CONSTRAINT permissions_one_holder CHECK ((user_id IS NULL) <> (group_id IS NULL));
ALTER TABLE permissions DROP CONSTRAINT permissions_grant_unique;
ALTER TABLE permissions DROP CONSTRAINT permissions_object_id_matches_type;
ALTER TABLE permissions DROP CONSTRAINT permissions_object_type_valid;
DROP INDEX permissions_object_idx;
ALTER TABLE permissions ALTER COLUMN object_id TYPE text;
ALTER TABLE permissions ADD CONSTRAINT permissions_object_type_valid
  CHECK (object_type IN ('system', 'datacenter', 'cluster', 'host', 'network', 'storage_domain', 'disk', 'template', 'vm'));
ALTER TABLE permissions ADD CONSTRAINT permissions_object_id_matches_type CHECK ((object_type = 'system') = (object_id IS NULL));
ALTER TABLE permissions ADD CONSTRAINT permissions_grant_unique UNIQUE NULLS NOT DISTINCT (user_id, group_id, role_id, object_type, object_id);
CREATE INDEX permissions_object_idx ON permissions (object_type, object_id);
CREATE INDEX permissions_group_idx ON permissions (group_id);

-- Whether a login is the administrator: a superuser, or a member of the role owning the inventory.
CREATE FUNCTION virtplane_is_admin(login name) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (
    SELECT 1 FROM pg_roles r
    WHERE r.rolname = login
      AND (r.rolsuper OR pg_has_role(r.oid, (SELECT c.relowner FROM pg_class c WHERE c.oid = 'public.users'::regclass), 'MEMBER'))
  )
$$;

-- An object and everything that contains it, up to the system, as (type, id) rows.
CREATE FUNCTION virtplane_object_chain(kind text, object_id text) RETURNS TABLE (chain_type text, chain_id text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  uuid_pattern constant text := '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
  cluster uuid;
  domain uuid;
  datacenter uuid;
BEGIN
  chain_type := 'system'; chain_id := NULL; RETURN NEXT;
  IF kind = 'system' OR object_id IS NULL THEN RETURN; END IF;
  chain_type := kind; chain_id := object_id; RETURN NEXT;
  IF object_id !~ uuid_pattern THEN RETURN; END IF;
  CASE kind
    WHEN 'datacenter' THEN RETURN;
    WHEN 'cluster' THEN SELECT c.datacenter_id INTO datacenter FROM clusters c WHERE c.id = object_id::uuid;
    WHEN 'host' THEN SELECT h.cluster_id INTO cluster FROM hosts h WHERE h.id = object_id::uuid;
    WHEN 'vm' THEN SELECT p.cluster_id INTO cluster FROM vm_placements p WHERE p.vm_id = object_id::uuid;
    WHEN 'network' THEN SELECT n.datacenter_id INTO datacenter FROM networks n WHERE n.id = object_id::uuid;
    WHEN 'storage_domain' THEN SELECT s.datacenter_id INTO datacenter FROM storage_domains s WHERE s.id = object_id::uuid;
    WHEN 'disk', 'template' THEN domain := substring(object_id FROM 1 FOR 36)::uuid;
    ELSE RETURN;
  END CASE;
  IF cluster IS NOT NULL THEN
    chain_type := 'cluster'; chain_id := cluster::text; RETURN NEXT;
    SELECT c.datacenter_id INTO datacenter FROM clusters c WHERE c.id = cluster;
  END IF;
  IF domain IS NOT NULL THEN
    chain_type := 'storage_domain'; chain_id := domain::text; RETURN NEXT;
    SELECT s.datacenter_id INTO datacenter FROM storage_domains s WHERE s.id = domain;
  END IF;
  IF datacenter IS NOT NULL THEN
    chain_type := 'datacenter'; chain_id := datacenter::text; RETURN NEXT;
  END IF;
END
$$;

-- The roles a login holds, directly or through its groups, with where they were given.
CREATE FUNCTION virtplane_grants_of(login name)
RETURNS TABLE (role_name text, permits text[], object_type text, object_id text, via_group text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT r.name, r.permits, p.object_type, p.object_id, g.name
  FROM users u
  JOIN permissions p ON p.user_id = u.id
    OR p.group_id IN (SELECT m.group_id FROM group_members m WHERE m.user_id = u.id)
  JOIN roles r ON r.id = p.role_id
  LEFT JOIN groups g ON g.id = p.group_id
  WHERE u.name = $1
$$;

-- Whether the login may use a permit on an object: the administrator always; anyone else through a role
-- holding the permit, given to them or to one of their groups, on the object or on what contains it.
CREATE FUNCTION virtplane_permitted(login name, permit text, kind text, object_id text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  -- Positional parameters: a parameter named like a column (object_id) would lose to the column.
  SELECT virtplane_is_admin($1) OR EXISTS (
    SELECT 1
    FROM virtplane_grants_of($1) grant_
    JOIN virtplane_object_chain($3, $4) chain
      ON chain.chain_type = grant_.object_type AND chain.chain_id IS NOT DISTINCT FROM grant_.object_id
    WHERE $2 = ANY (grant_.permits)
  )
$$;

CREATE FUNCTION virtplane_may_read(login name) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT virtplane_is_admin(login) OR EXISTS (SELECT 1 FROM virtplane_grants_of(login))
$$;

-- The built-in roles are the same in every inventory: nobody changes or deletes them.
CREATE FUNCTION virtplane_builtin_role_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.builtin THEN
    RAISE EXCEPTION 'The role % is built in and cannot be changed or deleted', OLD.name
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER roles_builtin_guard BEFORE UPDATE OR DELETE ON roles FOR EACH ROW EXECUTE FUNCTION virtplane_builtin_role_guard();

-- Moving a VM to another host is vm.migrate; any other change of its placement is vm.create.
CREATE FUNCTION virtplane_vm_placement_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  needed text := CASE WHEN NEW.host_id IS DISTINCT FROM OLD.host_id AND OLD.status = 'placed' THEN 'vm.migrate' ELSE 'vm.create' END;
BEGIN
  IF NOT virtplane_permitted(current_user, needed, 'vm', OLD.vm_id::text) THEN
    RAISE EXCEPTION '% lacks % on VM %', current_user, needed, OLD.name USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER vm_placements_permit_guard BEFORE UPDATE ON vm_placements FOR EACH ROW EXECUTE FUNCTION virtplane_vm_placement_guard();

-- A reservation holds its host's row lock while it checks capacity (vmPlacements.ts): a VM's owner may
-- take that lock without being allowed to change the host.
CREATE FUNCTION virtplane_lock_host(host uuid) RETURNS SETOF hosts
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT * FROM hosts WHERE id = host FOR UPDATE
$$;

-- Permissions given on an object go with it, whoever deletes it (a login that may delete a cluster may
-- not be one that may revoke roles on it). VMs keep theirs: a placement row comes and goes with moves.
CREATE FUNCTION virtplane_forget_permissions() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  DELETE FROM permissions WHERE object_type = TG_ARGV[0] AND object_id = OLD.id::text;
  RETURN OLD;
END
$$;
${[
  ['datacenters', 'datacenter'],
  ['clusters', 'cluster'],
  ['hosts', 'host'],
  ['networks', 'network'],
  ['storage_domains', 'storage_domain'],
  ['disks', 'disk'],
]
  .map(
    ([table, type]) =>
      `CREATE TRIGGER ${table}_forget_permissions AFTER DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION virtplane_forget_permissions('${type}');`,
  )
  .join('\n')}

-- Reading and writing, per table.
GRANT SELECT ON schema_migrations TO virtplane_user;
${RULES.map(tablePolicies).join('\n')}
${READ_ONLY_TABLES.map(
  (table) => `
ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
CREATE POLICY ${table}_read ON ${table} FOR SELECT USING ((SELECT virtplane_may_read(current_user)));
GRANT SELECT ON ${table} TO virtplane_user;`,
).join('\n')}

-- The audit log: anyone who changes something records it, under their own login only; nobody but the
-- administrator rewrites or deletes an entry.
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_log_read ON audit_log FOR SELECT USING ((SELECT virtplane_may_read(current_user)));
CREATE POLICY audit_log_insert ON audit_log FOR INSERT WITH CHECK (actor = current_user);
GRANT SELECT, INSERT ON audit_log TO virtplane_user;
CREATE INDEX audit_log_actor_idx ON audit_log (actor, at);

-- Tables later migrations add are readable by every login until they get policies of their own.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO virtplane_user;
`;
