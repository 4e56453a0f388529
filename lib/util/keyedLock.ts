/**
 * One piece of work at a time per key, within this process: a second caller with the same key waits
 * until the first has settled (failed or not), callers with other keys do not wait. A key's queue is
 * dropped once idle, so keys cost nothing after use. Separate instances are separate locks: a lock
 * held around backend calls and one inside the backend never wait for each other.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.tails.set(key, next);
    void next
      .finally(() => {
        if (this.tails.get(key) === next) this.tails.delete(key);
      })
      .catch(() => undefined);
    return next;
  }
}
