/**
 * The inventory server of one embedded folder: a process of its own that holds the folder's lock and
 * its PGlite, and speaks the PostgreSQL wire protocol on a UNIX socket, so that the short-lived
 * processes Terraform starts (two or three per command) connect in milliseconds instead of each
 * opening PGlite (0.5-0.8 s) and closing it again (0.2 s).
 *
 * PGlite is one PostgreSQL backend: one session. The server gives it to one client connection at a
 * time, whole (its transactions, advisory locks, settings), and queues the others, as the lock file
 * queued whole processes before; a queued client is told who it waits for and gives up after the wait
 * it asked for. When a session's connection closes, however it closes (a SIGKILLed provider
 * included), an unfinished extended-protocol exchange is ended, its transaction rolled back and the
 * session reset (DISCARD ALL) before the next client gets it. With no client for a while it exits,
 * removing its socket and then releasing the lock, in that order, so a server started after it never
 * loses its socket to it.
 */
import { mkdir, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { InventoryLockedError, type LockHolder } from './errors.js';
import { socketPath } from './inventoryServerFiles.js';
import {
  encodeQueueReport,
  OTHERS_WAITING_SQLSTATE,
  parseClientApplicationName,
  QUEUED_SQLSTATE,
  SHUTTING_DOWN_SQLSTATE,
  TELLS_WAITERS_SQLSTATE,
} from './inventoryServerProtocol.js';
import { acquireLock, DEFAULT_LOCK_TIMEOUT_MS } from './lockFile.js';
import { migratePglite, openPgliteDatabase } from './pgliteDatabase.js';
import { errorResponse, FrontendFramer, noticeResponse, simpleQuery, SYNC_MESSAGE } from './pgWire.js';

export interface InventoryServerOptions {
  /** Exit after this long without a client. */
  readonly idleExitMs: number;
  /** On SIGTERM (`virtplane inventory stop`): how long the session in progress may take to end before it is cut. */
  readonly stopGraceMs?: number;
  readonly log: (line: string) => void;
}

/** A connection that never sends its start-up packet is not a client. */
const STARTUP_TIMEOUT_MS = 10_000;
/** How often the server checks that its lock file is still its own (a removed folder, a lock deleted by hand). */
const LOCK_CHECK_INTERVAL_MS = 2_000;
/** The first client (the process that started the server) may need a moment under load to connect. */
const FIRST_CLIENT_GRACE_MS = 10_000;
/** ReadyForQuery with transaction status I (idle): the last message PostgreSQL sends after a query. */
const READY_AND_IDLE = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);
/** A client that names no wait (psql...) waits as long as virtplane's own default. */
const DEFAULT_CLIENT_WAIT_MS = DEFAULT_LOCK_TIMEOUT_MS;

interface Session {
  readonly socket: Socket;
  readonly framer: FrontendFramer;
  state: 'starting' | 'waiting' | 'active' | 'closed';
  startup?: Buffer;
  clientPid?: number;
  waitMs: number;
  queuedAt: number;
  activeSince?: Date;
  timer?: NodeJS.Timeout;
}

type Shutdown = (reason: string, how: 'graceful' | 'now') => void;

/** Hands PGlite's one session to one connection at a time. */
class SessionQueue {
  private active: Session | undefined;
  private readonly waiting: Session[] = [];
  private readonly connections = new Set<Session>();
  /** Every call into PGlite, one after the other: a session's messages, then its reset. */
  private pglite: Promise<void> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private activeEnded: (() => void) | undefined;

  constructor(
    private readonly db: PGlite,
    private readonly options: InventoryServerOptions,
    private readonly shutdown: Shutdown,
  ) {
    // However short the idle time, the process that started this server must get in first.
    this.armIdleTimer(Math.max(options.idleExitMs, FIRST_CLIENT_GRACE_MS));
  }

  accept(socket: Socket): void {
    const session: Session = { socket, framer: new FrontendFramer(), state: 'starting', waitMs: DEFAULT_CLIENT_WAIT_MS, queuedAt: Date.now() };
    this.connections.add(session);
    session.timer = setTimeout(() => socket.destroy(), STARTUP_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => this.received(session, chunk));
    socket.on('close', () => this.closed(session));
    socket.on('error', () => socket.destroy());
  }

  private received(session: Session, chunk: Buffer): void {
    session.framer.push(chunk);
    if (session.state === 'starting') this.startUp(session);
    if (session.state === 'active') this.forward(session);
  }

  private startUp(session: Session): void {
    for (;;) {
      const packet = session.framer.takeStartupPacket();
      if (!packet) return;
      switch (packet.kind) {
        case 'ssl-request':
        case 'gssenc-request':
          // A local socket needs no encryption: "N", and the client goes on in the clear.
          session.socket.write('N');
          continue;
        case 'cancel-request':
          // PGlite runs one statement to its end; there is no backend to interrupt.
          session.state = 'closed';
          session.socket.destroy();
          return;
        case 'invalid':
          session.state = 'closed';
          session.socket.end(errorResponse({ severity: 'FATAL', code: '08P01', message: `invalid start-up: ${packet.reason}` }));
          return;
        case 'startup': {
          clearTimeout(session.timer);
          const client = parseClientApplicationName(packet.params.get('application_name'));
          session.startup = packet.packet;
          session.clientPid = client.pid;
          session.waitMs = client.waitMs ?? DEFAULT_CLIENT_WAIT_MS;
          session.queuedAt = Date.now();
          this.enqueue(session);
          return;
        }
      }
    }
  }

  private enqueue(session: Session): void {
    if (this.closing) {
      session.socket.end(errorResponse({ severity: 'FATAL', code: SHUTTING_DOWN_SQLSTATE, message: 'the inventory server is stopping: connect again' }));
      return;
    }
    if (!this.active && this.waiting.length === 0) {
      this.activate(session);
      return;
    }
    // Behind a session that has already ended (being reset, a millisecond) and nobody else: no notice,
    // or every process that opens right after another would say it waited.
    const worthTelling = this.waiting.length > 0 || this.active?.state !== 'closed';
    session.state = 'waiting';
    this.waiting.push(session);
    this.tellActive(OTHERS_WAITING_SQLSTATE, 'another process waits for the inventory: close the session when idle');
    const report = (): string => encodeQueueReport({ holder: this.holder(), waitedMs: Date.now() - session.queuedAt, serverPid: process.pid });
    if (worthTelling) {
      session.socket.write(
        noticeResponse({ severity: 'NOTICE', code: QUEUED_SQLSTATE, message: 'waiting for another process to leave the inventory', detail: report() }),
      );
    }
    session.timer = setTimeout(() => {
      this.dequeue(session);
      session.state = 'closed';
      session.socket.end(
        errorResponse({ severity: 'FATAL', code: QUEUED_SQLSTATE, message: 'the inventory is in use by another process: gave up waiting', detail: report() }),
      );
    }, session.waitMs);
  }

  /** The process holding the session now, as a lock holder (for the queued ones' messages). */
  private holder(): LockHolder | undefined {
    const active = this.active;
    if (!active || active.clientPid === undefined) return undefined;
    return { pid: active.clientPid, hostname: hostname(), startedAt: (active.activeSince ?? new Date()).toISOString() };
  }

  private dequeue(session: Session): void {
    const index = this.waiting.indexOf(session);
    if (index >= 0) this.waiting.splice(index, 1);
    clearTimeout(session.timer);
  }

  private activate(session: Session): void {
    this.disarmIdleTimer();
    this.dequeue(session);
    this.active = session;
    session.state = 'active';
    session.activeSince = new Date();
    const startup = session.startup;
    if (startup) this.run(session, startup);
    // After the start-up answer (a notice before authentication would confuse clients).
    this.tellActive(TELLS_WAITERS_SQLSTATE, 'this server tells the session holder when another process queues');
    // Queued behind the one before: the others still waiting are waiting for this one now.
    if (this.waiting.length > 0) this.tellActive(OTHERS_WAITING_SQLSTATE, 'another process waits for the inventory: close the session when idle');
    this.forward(session);
  }

  /**
   * A notice to the session's holder, after PGlite's answers already under way: whole messages only, so
   * it never lands inside another message (clients take notices between any two).
   */
  private tellActive(code: string, message: string): void {
    const active = this.active;
    if (active?.state !== 'active') return;
    this.pglite = this.pglite.then(() => {
      if (active.state === 'active' && !active.socket.destroyed) active.socket.write(noticeResponse({ severity: 'NOTICE', code, message }));
    });
  }

  private forward(session: Session): void {
    const { messages, terminate } = session.framer.takeMessages();
    if (messages) this.run(session, messages);
    if (terminate) session.socket.end();
  }

  /** Gives PGlite the session's messages, in order, and the client its answers. */
  private run(session: Session, messages: Uint8Array): void {
    // Messages that arrived before a connection closed still run, as PostgreSQL runs what it has read.
    this.pglite = this.pglite.then(async () => {
      try {
        const answer = await this.db.execProtocolRaw(new Uint8Array(messages));
        if (answer.length > 0 && !session.socket.destroyed) session.socket.write(answer);
      } catch (error) {
        this.options.log(`PGlite failed on a client's messages: ${(error as Error).stack ?? String(error)}`);
        session.socket.destroy();
      }
    });
  }

  private closed(session: Session): void {
    this.connections.delete(session);
    clearTimeout(session.timer);
    const was = session.state;
    session.state = 'closed';
    if (was === 'waiting') this.dequeue(session);
    if (was !== 'active') return;
    this.pglite = this.pglite.then(() => this.reset(session));
    void this.pglite.then(() => {
      this.active = undefined;
      this.activeEnded?.();
      if (this.closing) return;
      const next = this.waiting[0];
      if (next) this.activate(next);
      else this.armIdleTimer();
    });
  }

  /** Leaves PGlite's session as a new connection expects it, whatever the last client left behind. */
  private async reset(session: Session): Promise<void> {
    try {
      const inTransaction = this.db.isInTransaction();
      await this.db.execProtocolRaw(SYNC_MESSAGE);
      await this.db.execProtocolRaw(simpleQuery('ROLLBACK'));
      const answer = await this.db.execProtocolRaw(simpleQuery('DISCARD ALL'));
      // Idle and answering (ReadyForQuery, status I), or the next client would wait for nothing.
      if (!Buffer.from(answer).subarray(-6).equals(READY_AND_IDLE)) throw new Error('no ReadyForQuery (idle) after DISCARD ALL');
      if (this.db.isInTransaction()) throw new Error('still in a transaction after ROLLBACK');
      if (inTransaction) this.options.log(`rolled back the open transaction of process ${session.clientPid ?? '(unnamed)'}, whose connection closed`);
    } catch (error) {
      // A session that cannot be cleaned must not reach the next client: end the server; the next client starts a new one.
      this.options.log(`could not reset the session: ${(error as Error).message}`);
      this.shutdown('a session could not be reset', 'now');
    }
  }

  private armIdleTimer(idleMs = this.options.idleExitMs): void {
    if (this.closing) return;
    this.disarmIdleTimer();
    this.idleTimer = setTimeout(() => this.shutdown(`no client for ${Math.round(idleMs / 1000)} s`, 'graceful'), idleMs);
  }

  private disarmIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /**
   * Refuses new and queued clients (they connect again, to the next server), from the moment it is
   * called; then waits for the session in progress.
   */
  async drain(how: 'graceful' | 'now', graceMs: number): Promise<void> {
    this.closing = true;
    this.disarmIdleTimer();
    for (const session of [...this.connections]) {
      if (session.state === 'starting') session.socket.destroy();
      if (session.state === 'waiting') {
        this.dequeue(session);
        session.state = 'closed';
        session.socket.end(errorResponse({ severity: 'FATAL', code: SHUTTING_DOWN_SQLSTATE, message: 'the inventory server is stopping: connect again' }));
      }
    }
    const active = this.active;
    if (active) {
      const ended = new Promise<void>((done) => {
        this.activeEnded = done;
      });
      if (how === 'now') active.socket.destroy();
      const cut = setTimeout(() => active.socket.destroy(), graceMs);
      await ended;
      clearTimeout(cut);
    }
    await this.pglite;
  }
}

/**
 * Runs the server of `folder` until it exits; resolves with the process's exit code. Exits at once
 * (0) when another server holds the folder: two processes that start one at the same moment get one.
 */
export async function runInventoryServer(folder: string, options: InventoryServerOptions): Promise<number> {
  const location = resolve(folder);
  const { log } = options;
  await mkdir(location, { recursive: true });
  let lock: Awaited<ReturnType<typeof acquireLock>>;
  try {
    lock = await acquireLock(location, { role: 'server', timeoutMs: DEFAULT_LOCK_TIMEOUT_MS, giveUpWhen: (_holder, role) => role === 'server' });
  } catch (error) {
    if (!(error instanceof InventoryLockedError)) throw error;
    log(`not started: ${error.holder ? `process ${error.holder.pid}` : 'another process'} holds ${error.lockFile}`);
    return 0;
  }

  let database;
  try {
    database = await openPgliteDatabase(location);
  } catch (error) {
    log(`cannot open the database in ${location}: ${(error as Error).stack ?? String(error)}`);
    await lock.release();
    return 1;
  }
  const { db } = database;
  try {
    // Done here once, so that the first client finds the schema current; a failure (a schema newer than
    // this code, a broken migration) is left for the clients to meet, each with its own typed error.
    await migratePglite(database.executor, location);
  } catch (error) {
    log(`migrations not applied at start: ${(error as Error).message}`);
  }

  const path = socketPath(location);
  // Holding the lock, any socket file there is a dead server's.
  await unlink(path).catch(() => undefined);
  let exited: (code: number) => void = () => undefined;
  const exit = new Promise<number>((resolveExit) => {
    exited = resolveExit;
  });
  const lockCheck = setInterval(() => {
    void lock.stillHeld().then((held) => {
      if (!held) shutdown('its lock file was removed or replaced (folder deleted?)', 'now');
    });
  }, LOCK_CHECK_INTERVAL_MS);
  let stopping = false;
  const shutdown: Shutdown = (reason, how) => {
    if (stopping) return;
    stopping = true;
    log(`stopping: ${reason}`);
    clearInterval(lockCheck);
    listener.close();
    // At once: from here no queued client is let in (a session that could not be reset must reach nobody).
    const drained = sessions.drain(how, options.stopGraceMs ?? 10_000);
    void (async () => {
      await unlink(path).catch(() => undefined);
      await drained;
      await db.close().catch((error: unknown) => log(`closing PGlite: ${(error as Error).message}`));
      await lock.release();
      log('stopped');
      exited(0);
    })().catch((error: unknown) => {
      log(`stopping failed: ${(error as Error).stack ?? String(error)}`);
      exited(1);
    });
  };
  const sessions = new SessionQueue(db, options, shutdown);
  const listener: Server = createServer((socket) => sessions.accept(socket));
  await listen(listener, path);
  log(`listening on ${path} (pid ${process.pid}; exits after ${Math.round(options.idleExitMs / 1000)} s without a client)`);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => shutdown(`${signal} received`, 'graceful'));
  return exit;
}

/** Listens with a socket only this user can open (the umask is the process's own: this process is the server). */
function listen(listener: Server, path: string): Promise<void> {
  const umask = process.umask(0o177);
  try {
    // listen() binds the socket file before it returns: the umask is needed only that long.
    return new Promise<void>((resolveListen, reject) => {
      listener.once('error', reject);
      listener.listen(path, () => {
        listener.off('error', reject);
        resolveListen();
      });
    });
  } finally {
    process.umask(umask);
  }
}
