/**
 * What the inventory server and its clients agree on beyond plain PostgreSQL: a client names its pid
 * and how long it will wait in its application_name; the server answers a client it queues with a
 * notice, and one whose wait ran out with a FATAL error, both carrying the holder's identity as JSON in
 * the detail field, so that the waiting process can say who holds the folder (as the lock file did).
 */
import type { LockHolder } from './errors.js';

/** lock_not_available: queued behind another process's session (notice), or gave up (FATAL). */
export const QUEUED_SQLSTATE = '55P03';
/** admin_shutdown: the server is going away; the client connects again (and starts a new server). */
export const SHUTTING_DOWN_SQLSTATE = '57P01';
/**
 * virtplane's own (class V is free for implementations): a notice the server sends the client holding
 * the session as soon as another client queues behind it, and once when the session starts, so the
 * client knows it will be told. Such a client may keep its session while nobody waits, instead of
 * closing it whenever it idles in case somebody does (and opening it again a second later).
 */
export const OTHERS_WAITING_SQLSTATE = 'VP001';
export const TELLS_WAITERS_SQLSTATE = 'VP000';

export function clientApplicationName(pid: number, waitMs: number): string {
  return `virtplane pid=${pid} wait=${Math.max(0, Math.round(waitMs))}`;
}

/** The pid and wait of a virtplane client; psql and other tools have neither. */
export function parseClientApplicationName(name: string | undefined): { readonly pid?: number; readonly waitMs?: number } {
  const match = /^virtplane pid=(\d+) wait=(\d+)$/.exec(name ?? '');
  return match ? { pid: Number(match[1]), waitMs: Number(match[2]) } : {};
}

export interface QueueReport {
  /** The process whose session the client waits behind; undefined when it did not say (psql...). */
  readonly holder: LockHolder | undefined;
  readonly waitedMs: number;
  readonly serverPid: number;
}

export function encodeQueueReport(report: QueueReport): string {
  return JSON.stringify(report);
}

export function decodeQueueReport(detail: string | undefined): QueueReport | undefined {
  try {
    const value = JSON.parse(detail ?? '') as Partial<QueueReport>;
    if (typeof value.waitedMs !== 'number' || typeof value.serverPid !== 'number') return undefined;
    const holder = value.holder;
    const valid = holder && typeof holder.pid === 'number' && typeof holder.hostname === 'string' && typeof holder.startedAt === 'string';
    return {
      holder: valid ? { pid: holder.pid, hostname: holder.hostname, startedAt: holder.startedAt } : undefined,
      waitedMs: value.waitedMs,
      serverPid: value.serverPid,
    };
  } catch {
    return undefined;
  }
}
