/**
 * A FIFO cap on concurrent channels to one host. sshd refuses sessions beyond MaxSessions (10 by
 * default) with an opaque "open failed", so callers beyond the cap wait here instead of failing.
 */

type Release = () => void;

interface Waiter {
  readonly grant: (release: Release) => void;
  readonly fail: (error: Error) => void;
}

export class ChannelLimiter {
  private running = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('maxChannelsPerHost must be a positive integer');
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiters.length;
  }

  /** Resolves with a release function (safe to call more than once) when a channel slot is free. */
  acquire(signal: AbortSignal | undefined, cancelled: () => Error): Promise<Release> {
    if (signal?.aborted) return Promise.reject(cancelled());
    if (this.running < this.capacity) {
      this.running += 1;
      return Promise.resolve(this.releaseOnce());
    }
    return new Promise<Release>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(cancelled());
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        fail: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Fails everyone still waiting (the pool is closing). */
  failWaiting(error: Error): void {
    for (const waiter of this.waiters.splice(0)) waiter.fail(error);
  }

  private releaseOnce(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      // The slot passes straight to the next waiter, so a newcomer cannot overtake the queue.
      if (next === undefined) this.running -= 1;
      else next.grant(this.releaseOnce());
    };
  }
}
