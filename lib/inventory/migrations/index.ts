/**
 * The schema's history, oldest first. Migrations are TypeScript modules exporting their SQL (rather
 * than .sql files read at run time) so they travel inside the compiled JavaScript: tsc does not copy
 * .sql files to dist/, and a bundled provider has no source tree to read them from.
 * Never edit a released migration: add the next number.
 */
import * as initial from './0001_initial.js';
import * as disks from './0002_disks.js';
import * as workspaceMarks from './0003_workspace_marks.js';
import * as localStorage from './0004_local_storage.js';
import * as highAvailability from './0005_high_availability.js';
import * as rbac from './0006_rbac.js';
import * as statistics from './0007_statistics.js';
import * as nfsStorage from './0008_nfs_storage.js';
import * as haLeases from './0010_ha_leases.js';
import * as reservationFunction from './0011_reservation_function.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  initial,
  disks,
  workspaceMarks,
  localStorage,
  highAvailability,
  rbac,
  statistics,
  nfsStorage,
  haLeases,
  reservationFunction,
];

export const LATEST_SCHEMA_VERSION = Math.max(...MIGRATIONS.map((migration) => migration.version));
