/**
 * A real PostgreSQL 15 server for tests: initdb in a temp dir, started with pg_ctl on a free loopback
 * port (and a private unix socket dir), as the `postgres` user when the tests run as root (the server
 * refuses to run as root). Password authentication (scram) with a generated password handed to initdb
 * through a 0600 file, never on a command line.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export const POSTGRES_BIN_DIR = process.env.VIRTPLANE_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PostgresServer {
  readonly port: number;
  readonly dataDir: string;
  /** A URL for `database` (created with `createDatabase` first, or `postgres`). */
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

async function postgresAccount(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = await readFile('/etc/passwd', 'utf8');
  const entry = passwd.split('\n').find((line) => line.startsWith('postgres:'));
  const fields = entry?.split(':');
  if (!fields || fields.length < 4) throw new Error('Tests run as root but there is no `postgres` user to run PostgreSQL as');
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function runPgTool(tool: string, args: readonly string[], account: RunAs | undefined): Promise<void> {
  try {
    await run(join(POSTGRES_BIN_DIR, tool), [...args], {
      ...(account ? { uid: account.uid, gid: account.gid } : {}),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
      timeout: 60_000,
    });
  } catch (error) {
    const failure = error as Error & { stderr?: string; stdout?: string };
    throw new Error(`${tool} failed: ${failure.message}\n${failure.stderr ?? ''}${failure.stdout ?? ''}`);
  }
}

export async function startPostgres(): Promise<PostgresServer> {
  const account = await postgresAccount();
  const root = await mkdtemp(join(tmpdir(), 'virtplane-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = root;
  const passwordFile = join(root, 'password');
  const password = randomBytes(18).toString('base64url');
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (account) {
    await chown(root, account.uid, account.gid);
    await chown(passwordFile, account.uid, account.gid);
  }
  await chmod(root, 0o700);

  await runPgTool('initdb', ['-D', dataDir, '-U', 'postgres', '--pwfile', passwordFile, '--auth', 'scram-sha-256', '-E', 'UTF8', '--no-sync'], account);
  await rm(passwordFile);

  let port = 0;
  let started = false;
  // A port found free can be taken before the server binds it: retry on another one.
  for (let attempt = 0; attempt < 3 && !started; attempt += 1) {
    port = await freeLoopbackPort();
    const serverOptions = [
      `-p ${port}`,
      `-k ${socketDir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=60',
      '-c shared_buffers=16MB',
    ].join(' ');
    try {
      await runPgTool('pg_ctl', ['-D', dataDir, '-l', join(root, 'server.log'), '-w', '-t', '60', '-o', serverOptions, 'start'], account);
      started = true;
    } catch (error) {
      if (attempt === 2) {
        const log = await readFile(join(root, 'server.log'), 'utf8').catch(() => '');
        throw new Error(`${(error as Error).message}\n${log}`);
      }
    }
  }

  const url = (database = 'postgres'): string => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;

  let stopped = false;
  return {
    port,
    dataDir,
    url,
    async createDatabase(name: string): Promise<string> {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      await runPgTool('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop'], account);
      await rm(root, { recursive: true, force: true });
    },
  };
}
